#pragma once

#include "logic/budget/sliding_window.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace klarna::sandbox {

/// Klarna's rate limit as the sandbox enforces it: one or more sliding windows
/// (e.g. 200/s averaged over 60 s and 200 in any second), each admitting at most
/// `rate x window` requests; a request past any of them is refused (429) and not
/// counted. A rate of 0 admits everything. Thread-safe.
class sliding_window_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// One window: `requests_per_second` averaged over `window`.
  struct limit {
    double requests_per_second = 0;
    std::chrono::milliseconds window{60'000};
  };

  explicit sliding_window_limiter(const std::vector<limit>& limits);

  /// True when the request is admitted; otherwise `retry_after` is the time until
  /// every window has room again.
  bool admit(clock::time_point now, std::chrono::milliseconds& retry_after);

  /// What rate-limit headers announce: the tightest window's quota (`limit`
  /// requests per `window`), the fewest requests any window still admits now, and
  /// the time until that window counts one request less. nullopt when unlimited.
  struct quota_report {
    std::size_t limit = 0;
    std::chrono::milliseconds window{0};
    std::size_t remaining = 0;
    std::chrono::milliseconds reset{0};
  };
  std::optional<quota_report> report(clock::time_point now);

private:
  std::mutex mutex_;
  std::vector<logic::sliding_window<clock>> windows_;
};

} // namespace klarna::sandbox
