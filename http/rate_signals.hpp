#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace klarna::http {

/// What a server said about waiting, from a Retry-After header (RFC 9110 10.2.3):
/// delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT").
struct retry_after {
  /// Seconds to wait from now: never negative, at most `max_retry_after_seconds`
  /// (a larger or infinite value is clamped, never overflows).
  double seconds = 0;
  /// The header value as sent, for messages ("Retry-After: 3600").
  std::string text;
};

/// The clamp of retry_after::seconds: a wait this long is beyond any sensible cap.
constexpr double max_retry_after_seconds = 1e9;

/// Parses a Retry-After value received at `now` (Unix seconds). Numbers are read
/// leniently ("1.5", "1e300", "inf" give their value, clamped); an HTTP-date gives
/// the time until then (0 when it has passed). Empty, negative, NaN or unreadable
/// values give nullopt: the caller backs off on its own.
std::optional<retry_after> parse_retry_after(const std::string& value, std::time_t now);

/// A request quota a server announces: at most `requests` in any `window_seconds`.
struct announced_quota {
  double requests = 0;
  double window_seconds = 1;

  double per_second() const { return requests / window_seconds; }
  bool operator==(const announced_quota& other) const {
    return requests == other.requests && window_seconds == other.window_seconds;
  }
  bool operator!=(const announced_quota& other) const { return !(*this == other); }
};

/// The tightest quota (lowest requests per second) in a rate-limit header value:
/// `X-RateLimit-Limit: 40, 40;w=1` (a limit and its policies), `RateLimit-Policy:
/// 100;w=60`, or the IETF draft's structured form `"default";q=100;w=60`. A window
/// that is not given is one second. nullopt when the value names no positive quota.
std::optional<announced_quota> parse_rate_limit_policy(const std::string& value);

/// Seconds until a rate-limit window resets, from `X-RateLimit-Reset` or the IETF
/// `t=` parameter: delta seconds, or Unix seconds when the number is past 10^9 (as
/// some APIs send it). nullopt when unreadable.
std::optional<double> parse_rate_limit_reset(const std::string& value, std::time_t now);

} // namespace klarna::http
