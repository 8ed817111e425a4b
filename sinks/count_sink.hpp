#pragma once

#include "pipeline/messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// The smallest sink (`--sink count:FILE`), on the sink kit (sinks/sink_kit.hpp):
/// counts the records of each stream and, when the sync finishes, writes one line per
/// stream to FILE: "<stream> <records> complete|incomplete". The benchmarks use it to
/// measure the pipeline without a destination's costs.
messages::sink_actor spawn_count_sink(caf::actor_system& system, const std::string& path);

} // namespace klarna::sinks
