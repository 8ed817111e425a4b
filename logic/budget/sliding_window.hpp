#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>

namespace klarna::logic {

/// At most `capacity` events in any span of `span`: the rule of a server's rate
/// limit, kept as the time points of the events still inside the span. Not
/// thread-safe; the caller supplies the clock.
template <class Clock = std::chrono::steady_clock>
class sliding_window {
public:
  using time_point = typename Clock::time_point;
  using duration = typename Clock::duration;

  sliding_window(std::size_t capacity, duration span)
    : capacity_(capacity < 1 ? 1 : capacity), span_(span) {}

  /// Zero when an event may happen at `now`, else how long until one may.
  duration wait_at(time_point now) {
    forget_before(now);
    if (events_.size() < capacity_)
      return duration::zero();
    return events_[events_.size() - capacity_] + span_ - now;
  }

  /// Events that may still happen at `now`, and the time until the oldest counted
  /// event leaves the span (zero when none is counted).
  std::size_t remaining_at(time_point now) {
    forget_before(now);
    return events_.size() >= capacity_ ? 0 : capacity_ - events_.size();
  }
  duration oldest_leaves_in(time_point now) {
    forget_before(now);
    return events_.empty() ? duration::zero() : events_.front() + span_ - now;
  }

  /// Events in the last `span` (at most this window's own) before `now`, inclusive.
  std::size_t count_within(time_point now, duration span) {
    forget_before(now);
    auto first = std::upper_bound(events_.begin(), events_.end(), now - span);
    return static_cast<std::size_t>(events_.end() - first);
  }

  /// Counts the events of `other` that fall in this window's span before `now`, as
  /// if they had been recorded here (a window started late learns the past).
  void record_recent(const sliding_window& other, time_point now) {
    for (auto at : other.events_)
      if (at > now - span_ && at <= now)
        events_.push_back(at);
  }

  /// Records an event at `now` (the caller has checked wait_at).
  void record(time_point now) { events_.push_back(now); }

  /// A new capacity for the same span; the events already inside it still count.
  void set_capacity(std::size_t capacity) { capacity_ = capacity < 1 ? 1 : capacity; }

  std::size_t capacity() const { return capacity_; }
  duration span() const { return span_; }

private:
  void forget_before(time_point now) {
    while (!events_.empty() && events_.front() <= now - span_)
      events_.pop_front();
  }

  std::size_t capacity_;
  duration span_;
  std::deque<time_point> events_;
};

} // namespace klarna::logic
