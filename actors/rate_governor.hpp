#pragma once

#include "logic/budget/rate_window.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <cstddef>

namespace klarna::actors {

/// Spawns the rate governor: the one owner of the request budget that every request
/// of the process shares. It answers each permit_request (a request) with
/// permit_granted as the rate_window allows, alternating between streams that wait, pauses everyone on a
/// `throttled` report and tells `emitter` (rate_limited) so the platform hears of it;
/// a quota the server announces is reported to `reporter`. It answers figures_atom
/// with its budget_figures (grants, waits, 429 reports, rate).
messages::governor_actor spawn_rate_governor(caf::actor_system& system,
                                             logic::rate_window::settings settings,
                                             std::size_t stream_count,
                                             const messages::emitter_actor& emitter,
                                             const messages::reporter_actor& reporter);

} // namespace klarna::actors
