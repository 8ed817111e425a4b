#include "sandbox/background_traffic.hpp"

#include <cmath>

namespace klarna::sandbox {

background_traffic::background_traffic(sliding_window_limiter& limiter, background_options options,
                                       std::chrono::steady_clock::time_point started)
  : limiter_(limiter), options_(std::move(options)), started_(started) {
  if (options_.requests_per_second <= 0)
    return;
  if (!options_.log_path.empty())
    log_.open(options_.log_path);
  thread_ = std::thread([this] { run(); });
}

background_traffic::~background_traffic() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void background_traffic::run() {
  using namespace std::chrono;
  auto begin = steady_clock::now();
  double burst_share = options_.burst.count() > 0 ? options_.burst.count() / 1000.0 : 1.0;
  for (std::uint64_t k = 0;; ++k) {
    // Request k belongs to second floor(k / rate); within it, it comes at its share
    // of the second, squeezed into the burst when there is one.
    double position = k / options_.requests_per_second;
    double second = std::floor(position);
    double offset = second + (position - second) * burst_share;
    if (options_.seconds > 0 && offset >= options_.seconds)
      return;
    auto due = begin + duration_cast<steady_clock::duration>(duration<double>(offset));
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_until(lock, due, [this] { return stopping_; }))
        return;
    }
    auto now = steady_clock::now();
    milliseconds retry_after{0};
    bool admitted = limiter_.admit(now, retry_after);
    ++sent_;
    if (!admitted)
      ++refused_;
    if (log_.is_open())
      log_ << duration_cast<milliseconds>(now - started_).count() << (admitted ? " 200" : " 429")
           << std::endl;
  }
}

} // namespace klarna::sandbox
