#pragma once

#include "pipeline/messages/report_contract.hpp"

#include <caf/fwd.hpp>

#include <cstdio>

namespace klarna::actors {

/// Spawns the progress display of `sync`, a reporter (pipeline/messages/report_contract.hpp)
/// for people: it writes progress_figures to `out` (stderr) — redrawn in place on a
/// terminal, as a plain line each otherwise — and errors, warnings and how each
/// stream is read as lines of their own; the summary's final figures are its last
/// frame. Informational logs and other statuses are Airbyte's and not shown.
messages::reporter_actor spawn_progress_display(caf::actor_system& system, std::FILE* out,
                                                bool terminal);

} // namespace klarna::actors
