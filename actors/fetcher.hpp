#pragma once

#include "http/http_client.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace klarna::actors {

/// How the fetcher retries and how many requests it keeps in flight.
struct fetch_settings {
  http::http_settings http;
  /// The request budget: with the observed latency it sizes the requests in flight
  /// (Little's law: in flight = rate x latency), between 2 and max_in_flight.
  double requests_per_second = 200;
  std::size_t max_in_flight = 64;
  /// Attempts per page for 5xx, 408, transport errors, timeouts and bodies that do
  /// not parse (429s are not counted: they wait for the governor instead), and the
  /// time from a page's first try after which it is not retried again.
  int max_attempts = 5;
  std::chrono::milliseconds page_deadline{900'000};
  /// 429 answers tolerated for one page before it fails.
  int max_throttled_attempts = 30;
  /// The longest Retry-After (on 429 or 503) that is waited out; a longer one fails
  /// the page as a transient error quoting the server.
  std::chrono::milliseconds max_retry_wait{600'000};
};

/// Spawns the fetcher: it takes fetch_page from planners, asks `governor` for a
/// permit per request, performs the GETs on an http_client (libcurl multi on its own
/// thread) with as many in flight as the budget and latency call for, retries what
/// is worth retrying (with exponential back-off and full jitter), and hands 200
/// bodies to `parsers` round robin; a body the parser refuses comes back as
/// unusable_page and is retried too. Retry-After is obeyed on 429 and 503 up to
/// max_retry_wait; quotas announced in rate-limit headers go to the governor
/// (announced_limit, quota_exhausted). Pages that cannot be had go back to their
/// planner as page_failed; retries and waits over 5 s are reported to `emitter` as
/// log_notice. It
/// answers stats_atom with its fetch_stats (requests, 429s, retries, in flight,
/// latency).
caf::actor spawn_fetcher(caf::actor_system& system, fetch_settings settings,
                         const caf::actor& governor, const std::vector<caf::actor>& parsers,
                         const caf::actor& emitter);

} // namespace klarna::actors
