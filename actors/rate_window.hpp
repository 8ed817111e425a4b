#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace klarna::actors {

/// The arithmetic of the request budget, without actors or a real clock (the
/// rate governor feeds it time points, tests feed it a fake clock).
///
/// Two rules hold together:
/// - the sliding window: at most `capacity()` grants in any `window` (the hard
///   limit, Klarna's "requests per second averaged over a minute", less a safety
///   margin for clock and network skew);
/// - pacing: a token bucket with a small burst (a quarter second of budget), refilled
///   at the rate that keeps burst + rate x window within the window's capacity, so
///   steady pacing never runs into the hard limit and the budget is spread evenly
///   instead of being spent at once and then waited out.
/// After a 429 every grant pauses and the pacing rate halves, then climbs back
/// additively (AIMD) while no 429 comes.
class rate_window {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using duration = clock::duration;

  struct settings {
    double requests_per_second = 200;
    std::chrono::milliseconds window{60'000};
    double safety_margin = 0.02;
    double burst_seconds = 0.25;
  };

  rate_window(settings config, time_point now);

  /// Zero when a request may start at `now` (the grant is recorded), else how long to
  /// wait before asking again.
  duration try_acquire(time_point now);

  /// A request was answered 429: pause every grant until `resume_at`; halve the rate
  /// unless grants were already paused (429s of one burst count once).
  void on_throttled(time_point now, time_point resume_at);

  /// Grants allowed in any window.
  std::size_t capacity() const { return capacity_; }

  /// The current pacing rate (requests per second), at most pacing_ceiling().
  double current_rate() const { return rate_; }

private:
  void refill(time_point now);
  void forget_before(time_point now);

  settings settings_;
  std::size_t capacity_;
  double pacing_ceiling_;
  double rate_;
  double burst_;
  double tokens_;
  time_point last_refill_;
  time_point paused_until_;
  std::deque<time_point> grants_;
};

} // namespace klarna::actors
