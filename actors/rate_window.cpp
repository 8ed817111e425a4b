#include "actors/rate_window.hpp"

#include <algorithm>
#include <cmath>

namespace klarna::actors {

namespace {

// After a 429 the rate never falls below this share of the configured rate.
constexpr double minimum_rate_share = 0.05;
// While no 429 comes, the rate climbs back by this share of the configured rate per second.
constexpr double recovery_share_per_second = 0.05;

std::chrono::duration<double> as_seconds(rate_window::duration d) {
  return std::chrono::duration_cast<std::chrono::duration<double>>(d);
}

} // namespace

rate_window::rate_window(settings config, time_point now)
  : settings_(config),
    last_refill_(now),
    paused_until_(now) {
  double window_seconds = as_seconds(config.window).count();
  double allowed = config.requests_per_second * window_seconds * (1.0 - config.safety_margin);
  capacity_ = static_cast<std::size_t>(std::max(1.0, std::floor(allowed)));
  burst_ = std::max(1.0, config.requests_per_second * config.burst_seconds);
  // A full bucket plus a window of refill must fit in the window's capacity.
  pacing_ceiling_ = std::max(config.requests_per_second * minimum_rate_share,
                             (static_cast<double>(capacity_) - burst_) / window_seconds);
  rate_ = pacing_ceiling_;
  tokens_ = burst_;
}

void rate_window::refill(time_point now) {
  if (now <= last_refill_)
    return;
  double elapsed = as_seconds(now - last_refill_).count();
  last_refill_ = now;
  if (now > paused_until_) {
    rate_ = std::min(pacing_ceiling_,
                     rate_ + settings_.requests_per_second * recovery_share_per_second * elapsed);
  }
  tokens_ = std::min(burst_, tokens_ + rate_ * elapsed);
}

void rate_window::forget_before(time_point now) {
  while (!grants_.empty() && grants_.front() <= now - settings_.window)
    grants_.pop_front();
}

rate_window::duration rate_window::try_acquire(time_point now) {
  if (now < paused_until_)
    return paused_until_ - now;
  refill(now);
  forget_before(now);
  duration wait = duration::zero();
  if (grants_.size() >= capacity_)
    wait = grants_.front() + settings_.window - now;
  if (tokens_ < 1.0) {
    auto token_wait = std::chrono::duration_cast<duration>(
      std::chrono::duration<double>((1.0 - tokens_) / rate_));
    wait = std::max(wait, token_wait);
  }
  if (wait > duration::zero())
    return std::max<duration>(wait, std::chrono::microseconds(100));
  tokens_ -= 1.0;
  grants_.push_back(now);
  return duration::zero();
}

void rate_window::on_throttled(time_point now, time_point resume_at) {
  refill(now);
  // Requests in flight when the first 429 came answer 429 too; they are one event,
  // so the rate halves once per pause, not once per answer.
  if (now >= paused_until_)
    rate_ = std::max(std::min(pacing_ceiling_, settings_.requests_per_second * minimum_rate_share),
                     rate_ / 2);
  paused_until_ = std::max(paused_until_, resume_at);
  tokens_ = std::min(tokens_, 1.0);
}

} // namespace klarna::actors
