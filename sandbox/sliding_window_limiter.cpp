#include "sandbox/sliding_window_limiter.hpp"

#include <cmath>

namespace klarna::sandbox {

sliding_window_limiter::sliding_window_limiter(double requests_per_second,
                                               std::chrono::milliseconds window)
  : capacity_(static_cast<std::size_t>(std::floor(requests_per_second * window.count() / 1000.0))),
    window_(window) {
}

bool sliding_window_limiter::admit(clock::time_point now, std::chrono::milliseconds& retry_after) {
  if (capacity_ == 0)
    return true;
  std::lock_guard<std::mutex> guard(mutex_);
  while (!accepted_.empty() && accepted_.front() <= now - window_)
    accepted_.pop_front();
  if (accepted_.size() >= capacity_) {
    retry_after = std::chrono::ceil<std::chrono::milliseconds>(accepted_.front() + window_ - now);
    return false;
  }
  accepted_.push_back(now);
  return true;
}

} // namespace klarna::sandbox
