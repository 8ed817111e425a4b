#pragma once

#include "sandbox/sliding_window_limiter.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace klarna::sandbox {

/// The rest of the merchant: Klarna counts the quota per merchant, so captures and
/// refunds of the merchant's order management use the same windows as the
/// connector's settlement requests.
struct background_options {
  /// Other requests per second; 0 for none.
  double requests_per_second = 0;
  /// 0: evenly spaced; otherwise each second's requests are sent within this many
  /// milliseconds at its start (bursts).
  std::chrono::milliseconds burst{0};
  /// Stop after this many seconds; 0 runs until the server stops.
  double seconds = 0;
  /// When set, one line per request: "<ms since start> <200|429>".
  std::string log_path;
};

/// Sends the other traffic into the sandbox's rate limiter from a thread of its
/// own, from construction until destruction, and counts what the limiter refused.
class background_traffic {
public:
  /// `started` is the server's start, the zero of the log's times.
  background_traffic(sliding_window_limiter& limiter, background_options options,
                     std::chrono::steady_clock::time_point started);
  ~background_traffic();

  std::uint64_t sent() const { return sent_; }
  std::uint64_t refused() const { return refused_; }

private:
  void run();

  sliding_window_limiter& limiter_;
  background_options options_;
  std::chrono::steady_clock::time_point started_;
  std::ofstream log_;
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false; // guarded by mutex_
  std::thread thread_;
};

} // namespace klarna::sandbox
