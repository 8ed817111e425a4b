#include "logic/budget/rate_window.hpp"

#include <algorithm>
#include <cmath>

namespace klarna::logic {

namespace {

// After a 429 the rate never falls below this share of the configured rate.
constexpr double minimum_rate_share = 0.05;
// While no 429 comes, the rate climbs back by this share of the configured rate per second.
constexpr double recovery_share_per_second = 0.05;

double seconds_of(rate_window::duration d) {
  return std::chrono::duration_cast<std::chrono::duration<double>>(d).count();
}

rate_window::duration duration_of(double seconds) {
  return std::chrono::duration_cast<rate_window::duration>(std::chrono::duration<double>(seconds));
}

} // namespace

rate_window::rate_window(settings config, time_point now)
  : settings_(config),
    averaging_(with_margin(config.requests_per_second * seconds_of(config.window)), config.window),
    per_second_(with_margin(config.requests_per_second), std::chrono::seconds(1)),
    share_(quota_share::settings{config.reserve_share}),
    last_refill_(now),
    paused_until_(now) {
  update_pacing_ceiling();
  rate_ = allowed_rate();
  tokens_ = burst_;
}

// Whole requests a window may hold: `requests` less the safety margin, but a margin
// smaller than one request must not cost a whole one (2/s stays 2 per second, not 1),
// and never more than `requests` allows.
std::size_t rate_window::with_margin(double requests) const {
  double reduced = std::ceil(requests * (1.0 - settings_.safety_margin) - 1e-9);
  return static_cast<std::size_t>(std::max(1.0, std::min(std::floor(requests), reduced)));
}

// Steady pacing must fit every hard limit with a full bucket on top: a bucket of b
// tokens refilled at r grants at most b + r x span - 1 requests in any span (the
// last token comes as the span ends), which must stay within each window's
// capacity. Then no window ever holds grants back, so grants stay evenly spaced; a
// window that binds would release a bucket's worth at once each time old grants
// leave it, and requests that reach the server a little late or early would then
// overflow its count.
void rate_window::update_pacing_ceiling() {
  auto room_per_second = [this](const sliding_window<clock>& window) {
    return (static_cast<double>(window.capacity()) + 1 - burst_) / seconds_of(window.span());
  };
  double short_rate = static_cast<double>(per_second_.capacity());
  if (announced_)
    short_rate = std::min(short_rate, static_cast<double>(announced_->capacity())
                                        / seconds_of(announced_->span()));
  burst_ = std::max(1.0, short_rate * settings_.burst_seconds);
  // Windows hold whole requests; below one request per window the rate itself rules.
  double ceiling = settings_.requests_per_second * (1.0 - settings_.safety_margin);
  ceiling = std::min({ceiling, room_per_second(averaging_), room_per_second(per_second_)});
  if (announced_)
    ceiling = std::min(ceiling, room_per_second(*announced_));
  pacing_ceiling_ = ceiling;
}

void rate_window::refill(time_point now) {
  if (now <= last_refill_)
    return;
  double elapsed = seconds_of(now - last_refill_);
  last_refill_ = now;
  if (now > paused_until_)
    rate_ += settings_.requests_per_second * recovery_share_per_second * elapsed;
  rate_ = std::min(rate_, allowed_rate());
  tokens_ = std::min(burst_, tokens_ + rate_ * elapsed);
}

double rate_window::quota_rate() const {
  double quota = settings_.requests_per_second;
  if (announced_quota_)
    quota = std::min(quota, announced_quota_->per_second());
  return quota;
}

double rate_window::allowed_rate() const {
  return std::min(pacing_ceiling_, share_.allowed_rate(quota_rate()));
}

void rate_window::observe_remaining(time_point now, double remaining) {
  if (!announced_quota_)
    return;
  refill(now);
  // The connector's own requests in the announced window, from the grants the
  // averaging window keeps (all of them when it is the longer window).
  auto span = duration_of(announced_quota_->window_seconds);
  share_.observe(now, announced_quota_->requests, announced_quota_->window_seconds, remaining,
                 averaging_.count_within(now, span));
  rate_ = std::min(rate_, allowed_rate());
}

rate_window::duration rate_window::try_acquire(time_point now) {
  if (now < paused_until_)
    return paused_until_ - now;
  refill(now);
  duration wait = std::max(averaging_.wait_at(now), per_second_.wait_at(now));
  if (announced_)
    wait = std::max(wait, announced_->wait_at(now));
  if (tokens_ < 1.0)
    wait = std::max(wait, duration_of((1.0 - tokens_) / rate_));
  if (wait > duration::zero())
    return std::max<duration>(wait, std::chrono::microseconds(100));
  tokens_ -= 1.0;
  averaging_.record(now);
  per_second_.record(now);
  if (announced_)
    announced_->record(now);
  return duration::zero();
}

void rate_window::on_throttled(time_point now, time_point resume_at) {
  refill(now);
  // Requests in flight when the first 429 came answer 429 too; they are one event,
  // so the rate halves once per pause, not once per answer.
  if (now >= paused_until_)
    rate_ = std::max(std::min(allowed_rate(), settings_.requests_per_second * minimum_rate_share),
                     rate_ / 2);
  paused_until_ = std::max(paused_until_, resume_at);
  tokens_ = std::min(tokens_, 1.0);
}

void rate_window::quota_used_up(time_point now, duration reset) {
  auto resume_at = now + reset;
  if (announced_ && share_.others_rate() * seconds_of(announced_->span()) < 1.0)
    resume_at = std::min(resume_at, now + announced_->oldest_leaves_in(now));
  paused_until_ = std::max(paused_until_, resume_at);
  tokens_ = std::min(tokens_, 1.0);
}

bool rate_window::set_announced_quota(time_point now, std::optional<http::announced_quota> quota) {
  if (quota == announced_quota_)
    return false;
  refill(now);
  announced_quota_ = quota;
  if (!quota) {
    announced_.reset();
  } else {
    auto capacity = with_margin(quota->requests);
    auto span = duration_of(quota->window_seconds);
    // Same span: keep the grants already counted; a new span starts a new count.
    if (announced_ && announced_->span() == span) {
      announced_->set_capacity(capacity);
    } else {
      // The server counted the requests made before it said how: so does the window.
      announced_.emplace(capacity, span);
      announced_->record_recent(averaging_, now);
    }
  }
  update_pacing_ceiling();
  rate_ = std::min(rate_, allowed_rate());
  tokens_ = std::min(tokens_, burst_);
  return true;
}

} // namespace klarna::logic
