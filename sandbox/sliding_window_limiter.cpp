#include "sandbox/sliding_window_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace klarna::sandbox {

sliding_window_limiter::sliding_window_limiter(const std::vector<limit>& limits) {
  for (const auto& each : limits)
    if (each.requests_per_second > 0)
      windows_.emplace_back(
        static_cast<std::size_t>(std::floor(each.requests_per_second * each.window.count() / 1000.0)),
        each.window);
}

bool sliding_window_limiter::admit(clock::time_point now, std::chrono::milliseconds& retry_after) {
  std::lock_guard<std::mutex> guard(mutex_);
  clock::duration wait = clock::duration::zero();
  for (auto& window : windows_)
    wait = std::max(wait, window.wait_at(now));
  if (wait > clock::duration::zero()) {
    retry_after = std::chrono::ceil<std::chrono::milliseconds>(wait);
    return false;
  }
  for (auto& window : windows_)
    window.record(now);
  return true;
}

std::optional<sliding_window_limiter::quota_report>
sliding_window_limiter::report(clock::time_point now) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (windows_.empty())
    return std::nullopt;
  auto per_ms = [](const logic::sliding_window<clock>& window) {
    return static_cast<double>(window.capacity())
           / std::chrono::duration<double, std::milli>(window.span()).count();
  };
  quota_report report;
  report.remaining = std::numeric_limits<std::size_t>::max();
  const logic::sliding_window<clock>* tightest = &windows_.front();
  for (auto& window : windows_) {
    if (per_ms(window) < per_ms(*tightest))
      tightest = &window;
    auto left = window.remaining_at(now);
    if (left < report.remaining) {
      report.remaining = left;
      report.reset = std::chrono::ceil<std::chrono::milliseconds>(window.oldest_leaves_in(now));
    }
  }
  report.limit = tightest->capacity();
  report.window = std::chrono::duration_cast<std::chrono::milliseconds>(tightest->span());
  return report;
}

} // namespace klarna::sandbox
