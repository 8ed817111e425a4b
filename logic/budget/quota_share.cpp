#include "logic/budget/quota_share.hpp"

#include <algorithm>
#include <cmath>

namespace klarna::logic {

void quota_share::observe(time_point now, double limit, double window_seconds, double remaining,
                          std::size_t own_in_window) {
  if (!(window_seconds > 0) || !(limit > 0))
    return;
  double used = std::max(0.0, limit - std::max(0.0, remaining));
  double sample = std::max(0.0, used - static_cast<double>(own_in_window)) / window_seconds;
  if (!observed_) {
    observed_ = true;
    last_ = now;
    others_rate_ = sample;
    peak_ = sample;
    return;
  }
  double elapsed = std::max(0.0, std::chrono::duration<double>(now - last_).count());
  last_ = now;
  area_ += others_rate_ * elapsed;
  measured_seconds_ += elapsed;
  // An average over the answers of about the last rise_seconds when the other
  // traffic grows, fall_seconds when it shrinks (answers come at irregular times).
  double constant = sample > others_rate_ ? settings_.rise_seconds : settings_.fall_seconds;
  double weight = 1.0 - std::exp(-elapsed / constant);
  others_rate_ += (sample - others_rate_) * weight;
  peak_ = std::max(peak_, others_rate_);
}

double quota_share::allowed_rate(double quota_rate) const {
  double floor = quota_rate * settings_.floor_share;
  return std::max(floor, quota_rate * (1.0 - settings_.reserve_share) - others_rate_);
}

} // namespace klarna::logic
