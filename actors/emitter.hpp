#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace klarna::actors {

/// Spawns the emitter: the one place that decides what goes to the sink and in
/// which order. Per stream it keeps a reorder buffer so records leave in API order,
/// sends STARTED / RUNNING / COMPLETE or INCOMPLETE statuses, a checkpoint when a
/// stream completes, errors, and every `progress_interval` a progress log and a
/// budget log (figures asked of the governor and the fetcher). Sink acknowledgements
/// become page_credit for the stream's planner. The planners, fetcher and governor
/// arrive in a pipeline_actors message once they exist. When every stream has ended
/// it sends sync_outcome to `on_done`.
caf::actor spawn_emitter(caf::actor_system& system, std::vector<std::string> stream_names,
                         const caf::actor& sink, const caf::actor& on_done,
                         std::chrono::milliseconds progress_interval);

} // namespace klarna::actors
