#pragma once

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <cstdio>

namespace klarna::sinks {

/// Spawns the Airbyte sink: every sink message (messages/sink_contract.hpp) becomes Airbyte
/// protocol lines on `out` (stdout for `read`). It runs detached, on its own thread,
/// because writing to a pipe blocks when the reader is slow; records are
/// acknowledged once written and flushed.
messages::sink_actor spawn_airbyte_stdout_sink(caf::actor_system& system, std::FILE* out);

} // namespace klarna::sinks
