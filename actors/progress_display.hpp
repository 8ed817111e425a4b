#pragma once

#include <caf/fwd.hpp>

#include <cstdio>

namespace klarna::actors {

/// Spawns the progress display of `sync`: it receives progress_snapshot messages
/// and writes them to `out` (stderr) — redrawn in place on a terminal, as a plain
/// line each otherwise — and the errors (messages::sink_error) and warnings
/// (messages::sink_log) the emitter passes on, as lines of their own.
caf::actor spawn_progress_display(caf::actor_system& system, std::FILE* out, bool terminal);

} // namespace klarna::actors
