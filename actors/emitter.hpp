#pragma once

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <vector>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::actors {

/// Spawns the emitter: the one place that decides what goes to the sink and in
/// which order. Per stream (logic::stream_ledger) it opens the stream at the sink,
/// releases pages strictly in page order, reports RUNNING, checkpoints and closes
/// the stream when it completes, or reports its error and closes it incomplete.
/// Every `progress_interval` it logs progress and the budget (figures asked of the
/// governor and the fetcher) and sends progress_figures to `progress_observer` when
/// that is a valid actor (errors and warnings too). The sink's reply to a write is
/// a page_credit for the stream's planner; a reply with a failure ends every
/// stream. The planners, fetcher and governor arrive in a pipeline_actors message
/// once they exist. When every stream has ended it sends sync_outcome to `on_done`.
caf::actor spawn_emitter(caf::actor_system& system,
                         std::vector<const protocol::stream_definition*> streams,
                         const messages::sink_actor& sink, const caf::actor& on_done,
                         const caf::actor& progress_observer,
                         std::chrono::milliseconds progress_interval);

} // namespace klarna::actors
