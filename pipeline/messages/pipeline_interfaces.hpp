#pragma once

// The typed interface of each actor of the read pipeline: what it accepts and what
// it answers. A reply goes back through CAF's request/response, so no message
// carries an address to answer to; a request to an actor that has already stopped
// is answered with an error, which its requester turns into a failed page or
// stream. An actor that stops with requests in hand is the supervisor's to report
// (the read pipeline: actor_stopped). A page's life through them is drawn in
// docs/ARCHITECTURE.md.
// The sink's interface is in sink_contract.hpp, the reporter's in report_contract.hpp.

#include "pipeline/messages/pipeline_messages.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace klarna::messages {

/// The one owner of the request budget. tick_atom is its own timer.
using governor_actor = caf::typed_actor<caf::replies_to<permit_request>::with<permit_granted>,
                                        caf::reacts_to<throttled>,
                                        caf::reacts_to<announced_limit>,
                                        caf::reacts_to<quota_remaining>,
                                        caf::reacts_to<quota_exhausted>,
                                        caf::replies_to<figures_atom>::with<budget_figures>,
                                        caf::reacts_to<tick_atom>>;

/// Parses a 200 body into a record batch: the fetcher delegates the page's request
/// to it, so the answer goes to whoever asked for the page.
using parser_actor = caf::typed_actor<caf::replies_to<fetched_page>::with<fetch_result>>;

/// Fetches pages and files under the budget, retries what fails. An http_response
/// comes from its own HTTP client's thread, retry_atom from its own timer.
using fetcher_actor = caf::typed_actor<caf::replies_to<fetch_page>::with<fetch_result>,
                                       caf::replies_to<unusable_page>::with<fetch_result>,
                                       caf::replies_to<figures_atom>::with<fetch_figures>,
                                       caf::reacts_to<http::http_response>,
                                       caf::reacts_to<retry_atom, std::uint64_t>>;

/// Plans one stream's pages. page_retrying comes from the fetcher.
using planner_actor = caf::typed_actor<caf::reacts_to<start_atom>, caf::reacts_to<page_retrying>>;

/// Orders pages for the sink and checkpoints them. interrupted and actor_stopped
/// come from the read pipeline, rate_limited from the governor.
using emitter_actor = caf::typed_actor<caf::replies_to<page_records>::with<page_credit>,
                                       caf::reacts_to<stream_finished>,
                                       caf::reacts_to<stream_restarted>,
                                       caf::reacts_to<stream_failed>,
                                       caf::reacts_to<rate_limited>,
                                       caf::reacts_to<interrupted>,
                                       caf::reacts_to<actor_stopped>,
                                       caf::replies_to<figures_atom>::with<stream_progress>>;

/// Sends the reporter progress figures every so often (tick_atom: its own timer).
using progress_ticker_actor = caf::typed_actor<caf::reacts_to<tick_atom>>;

} // namespace klarna::messages
