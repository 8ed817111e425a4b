#pragma once

#include "http/http_client.hpp"
#include "logic/retry/retry_policy.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace klarna::actors {

/// How the fetcher connects, retries and how many requests it keeps in flight.
struct fetch_settings {
  http::http_settings http;
  logic::retry_settings retry;
  /// The request budget: with the observed latency it sizes the requests in flight
  /// (logic::in_flight_sizer), between 2 and max_in_flight.
  double requests_per_second = 0;
  std::size_t max_in_flight = 64;
  /// Parsers the fetcher spawns (actors/parser.hpp), one per core.
  std::size_t parsers = 1;
};

/// Makes the transport the fetcher sends its GETs through, given where completions
/// go (callable from any thread); none means an http::http_client with the
/// settings' `http`. Actor tests pass a stand-in server.
using transport_factory = std::function<std::unique_ptr<http::http_transport>(
  http::http_client::completion_handler on_complete)>;

/// Spawns the fetcher. It answers each fetch_page request once the page is had or
/// cannot be (fetch_result): it asks `governor` for a permit per request, performs
/// the GETs on an http_client (libcurl multi on its own thread) with as many in
/// flight as the budget and latency call for, and delegates each 200 page body with
/// its request to one of its `settings.parsers` parsers (round robin; linked to it),
/// which answers; a raw_body file's body is the answer as it came. A page the parser
/// or a file its requester refuses comes back as an unusable_page request. What to retry,
/// when, and when to give up is logic::retry_policy's decision; a page to be tried
/// again after a failure is announced to its requester (page_retrying) and goes
/// before new pages, on a fresh connection. Quotas announced in rate-limit headers
/// go to the governor (announced_limit, quota_remaining, quota_exhausted); retries
/// and waits over 5 s are reported to `reporter` as WARN logs. Time is the actor
/// clock's. It answers figures_atom with its fetch_figures.
messages::fetcher_actor spawn_fetcher(caf::actor_system& system, fetch_settings settings,
                                      const messages::governor_actor& governor,
                                      const messages::reporter_actor& reporter,
                                      transport_factory make_transport = {});

} // namespace klarna::actors
