#pragma once

#include <caf/fwd.hpp>

#include <cstdio>

namespace klarna::actors {

/// Spawns the progress display of `sync`: it receives progress_figures messages
/// and writes them to `out` (stderr) — redrawn in place on a terminal, as a plain
/// line each otherwise — and the errors (messages::stream_error) and warnings
/// (messages::log_entry) the emitter passes on, as lines of their own.
caf::actor spawn_progress_display(caf::actor_system& system, std::FILE* out, bool terminal);

} // namespace klarna::actors
