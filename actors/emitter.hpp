#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::actors {

/// Spawns the emitter: the one place that decides what goes to the sink and in
/// which order. Per stream it opens the stream at the sink, keeps a reorder buffer
/// so records leave in API order, sends RUNNING, a checkpoint when the stream
/// completes, errors, and closes it complete or not; every `progress_interval` a
/// progress log and a budget log (figures asked of the governor and the fetcher),
/// and a progress_snapshot to `progress_observer` when that is a valid actor. Sink acknowledgements
/// become page_credit for the stream's planner. The planners, fetcher and governor
/// arrive in a pipeline_actors message once they exist. When every stream has ended
/// it sends sync_outcome to `on_done`.
caf::actor spawn_emitter(caf::actor_system& system,
                         std::vector<const protocol::stream_definition*> streams,
                         const caf::actor& sink, const caf::actor& on_done,
                         const caf::actor& progress_observer,
                         std::chrono::milliseconds progress_interval);

} // namespace klarna::actors
