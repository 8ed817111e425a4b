#pragma once

#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <chrono>

namespace klarna::actors {

/// Spawns the progress ticker: every `interval` of the actor clock it asks the
/// emitter, the governor and the fetcher for their figures and sends them together
/// to `reporter` as progress_figures, with the time since it started. An answer
/// that does not come within the interval costs that report (a WARN log says why).
messages::progress_ticker_actor spawn_progress_ticker(caf::actor_system& system,
                                                      std::chrono::milliseconds interval,
                                                      const messages::emitter_actor& emitter,
                                                      const messages::governor_actor& governor,
                                                      const messages::fetcher_actor& fetcher,
                                                      const messages::reporter_actor& reporter);

} // namespace klarna::actors
