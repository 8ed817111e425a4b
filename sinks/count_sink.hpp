#pragma once

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// The example sink of docs/SINKS.md (`--sink count:FILE`): counts the records of
/// each stream and, when the sync finishes, writes one line per stream to FILE:
/// "<stream> <records> complete|incomplete". Small on purpose: it shows the whole
/// contract (open, write and acknowledge, close, finish, failure) and nothing else.
messages::sink_actor spawn_count_sink(caf::actor_system& system, const std::string& path);

} // namespace klarna::sinks
