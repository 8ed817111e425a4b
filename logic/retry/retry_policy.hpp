#pragma once

// The fetcher's decisions, without CAF: how many requests to keep in flight, and
// what to do after a try that failed (retry when, or give up saying why) or was
// answered 429 (pause everyone how long, or give up). Clocks and randomness come
// from the caller, so every decision is unit tested.

#include "config/credentials.hpp"
#include "http/rate_signals.hpp"
#include "protocol/airbyte_messages.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace klarna::logic {

/// The config's retry limits (max_attempts, page_deadline_seconds,
/// max_retry_wait_seconds) and the fixed cap on 429s per page.
struct retry_settings {
  int max_attempts = 0;
  std::chrono::milliseconds page_deadline{};
  std::chrono::milliseconds max_retry_wait{};
  int max_throttled_attempts = 30;
  /// Which credential the config holds, for the advice on a 401.
  config::credential_form credentials = config::credential_form::username_and_password;
};

/// One failed try, as the fetcher saw it.
struct failed_try {
  /// "payouts page 3", for messages.
  std::string page;
  /// Failed tries of this page so far, this one included.
  int failed_attempts = 1;
  /// When the page's first try began (its deadline counts from there).
  std::optional<std::chrono::steady_clock::time_point> first_try;
  /// What went wrong, for people ("HTTP 503 ...", curl's text).
  std::string reason;
  /// False for answers a retry cannot change (400, 401, 403, 404, certificates).
  bool retryable = true;
  /// The HTTP status; 0 when no response arrived.
  long status = 0;
  /// The server's Retry-After, when it sent one.
  std::optional<http::retry_after> asked;
};

/// Retry after `retry_in` (announced by `warning`), or give up with `failure`.
struct retry_verdict {
  std::optional<std::chrono::milliseconds> retry_in;
  std::string warning;
  protocol::failure_report failure;
};

/// A 429: pause every request `pause_seconds` (`why` says on whose word) and try the
/// page again, or give up with `failure`.
struct throttle_verdict {
  std::optional<double> pause_seconds;
  std::string why;
  protocol::failure_report failure;
};

class retry_policy {
public:
  using clock = std::chrono::steady_clock;

  retry_policy(retry_settings settings, std::uint32_t jitter_seed);

  /// What to do after `attempt` failed at `now`.
  retry_verdict after_failure(const failed_try& attempt, clock::time_point now);

  /// What to do after the `throttled_attempts`th 429 for `page` at `now`;
  /// `server_answer` describes the response for the internal message. The pause is
  /// the server's Retry-After plus up to a quarter of it (at most 1 s), else 2^(n-1) s
  /// (at most 30 s) plus up to half of that: jitter, as Klarna asks.
  throttle_verdict after_throttle(const std::string& page, int throttled_attempts,
                                  std::optional<clock::time_point> first_try,
                                  const std::optional<http::retry_after>& asked,
                                  const std::string& server_answer, clock::time_point now);

  /// How long a page waits before its retry after its `failed_attempts`th failure
  /// with `status` (0: no response) when the server did not say (docs/ARCHITECTURE.md,
  /// "Faults", says why each waits as long as it does):
  /// - a 503, the server's "not now": Klarna's exponential back-off with jitter,
  ///   0.25 s x 2^(n-1) plus up to half of that, at most 30 s;
  /// - anything else (a reset or truncated answer, a timeout, 500/502/504, 408, a
  ///   damaged body): one connection's or one server's accident, which every later
  ///   page waits for, so the first retry comes after 20-60 ms; each failure after
  ///   it waits four times as long, jittered by half either way, at most 30 s.
  std::chrono::milliseconds retry_delay(long status, int failed_attempts);

  /// A wait over 5 s is worth a WARN, once per wait: its text (what waits, how long,
  /// until when in UTC, why), or nullopt when it is short or already announced.
  std::optional<std::string> long_wait_warning(double seconds, const std::string& what,
                                               const std::string& why, clock::time_point now);

  /// The longest wait a server may ask for (max_retry_wait), in seconds.
  double max_wait_seconds() const;

private:
  /// Uniform in [0, most] seconds.
  double jitter_seconds(double most);
  /// The server's Retry-After plus up to a quarter of it (at most 1 s): never sooner
  /// than asked, a little later so that the merchant's integrations told the same
  /// time do not all come back at once.
  double asked_wait_seconds(const http::retry_after& asked);
  std::optional<std::string> refused_wait(const http::retry_after& wait) const;
  bool past_deadline(std::optional<clock::time_point> first_try, clock::time_point now,
                     clock::duration wait) const;

  retry_settings settings_;
  std::minstd_rand jitter_;
  clock::time_point warned_until_{};
};

/// Requests worth keeping in flight: enough to spend the budget at the observed
/// latency (Little's law, with a quarter extra for jitter), between 2 and a cap.
class in_flight_sizer {
public:
  in_flight_sizer(double requests_per_second, std::size_t max_in_flight);

  /// A response arrived after `seconds`.
  void observe_latency(double seconds);

  std::size_t limit() const;
  double latency_seconds() const { return latency_ewma_; }

private:
  double requests_per_second_;
  std::size_t max_in_flight_;
  /// Exponentially weighted mean response time, seconds.
  double latency_ewma_ = 0.05;
};

/// "12 s" (rounded up).
std::string seconds_text(double seconds);

} // namespace klarna::logic
