#pragma once

#include "logic/plan/stream_start.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <vector>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::actors {

/// One stream the emitter writes, and where its read began.
struct emitted_stream {
  const protocol::stream_definition* definition = nullptr;
  logic::stream_start start;
  /// The sink keeps what the cut read it resumes wrote (sink_open_stream::resume).
  bool resume_in_sink = false;
};

struct emitter_settings {
  std::vector<emitted_stream> streams;
  /// A stream checkpoints after this many records, or after `checkpoint_interval`
  /// once it wrote records since its last checkpoint.
  std::uint64_t checkpoint_records = 10000;
  std::chrono::milliseconds checkpoint_interval{30000};
};

/// Spawns the emitter: the one place that decides what goes to the sink and in
/// which order. Per stream (logic::stream_ledger) it opens the stream at the sink
/// and reports it STARTED with how it is read, releases pages strictly in page
/// order (RUNNING before the first), checkpoints between pages
/// (logic::checkpoint_tracker) and once more when the stream completes, then
/// closes it (COMPLETE); or reports its error and closes it incomplete
/// (INCOMPLETE). A page_records request is answered with the page's credit once the
/// sink has written it; a sink reply with a failure ends every stream, and so do
/// `interrupted` and `actor_stopped` from the read pipeline, its supervisor.
/// Statuses and errors go to `reporter`; figures_atom is answered with where each
/// stream stands. When every stream has ended it sends sync_outcome to `on_done`.
messages::emitter_actor spawn_emitter(caf::actor_system& system, emitter_settings settings,
                                      const messages::sink_actor& sink,
                                      const messages::reporter_actor& reporter,
                                      const caf::actor& on_done);

} // namespace klarna::actors
