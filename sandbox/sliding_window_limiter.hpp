#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>

namespace klarna::sandbox {

/// Klarna's rate limit as the sandbox enforces it: at most `rate x window` accepted
/// requests in any sliding window; requests past it are refused (429) and not
/// counted. A rate of 0 admits everything. Thread-safe.
class sliding_window_limiter {
public:
  using clock = std::chrono::steady_clock;

  sliding_window_limiter(double requests_per_second, std::chrono::milliseconds window);

  /// True when the request is admitted; otherwise `retry_after` is the time until
  /// the oldest request in the window leaves it.
  bool admit(clock::time_point now, std::chrono::milliseconds& retry_after);

private:
  std::size_t capacity_;
  std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::deque<clock::time_point> accepted_;
};

} // namespace klarna::sandbox
