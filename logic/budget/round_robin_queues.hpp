#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace klarna::logic {

/// One FIFO queue per stream, served in turn: each pop takes the front of the next
/// non-empty queue after the one served last, so when several streams wait, grants
/// alternate between them and none starves however many requests another has queued.
/// Items pushed with push_first go before all of them, in their own order.
template <class T>
class round_robin_queues {
public:
  explicit round_robin_queues(std::size_t stream_count) : queues_(stream_count ? stream_count : 1) {}

  /// Queues `item` for `stream` (indexes beyond the count wrap around).
  void push(std::size_t stream, T item) { queues_[stream % queues_.size()].push_back(std::move(item)); }

  /// Queues `item` ahead of every stream's queue (after earlier such items).
  void push_first(T item) { first_.push_back(std::move(item)); }

  bool empty() const {
    if (!first_.empty())
      return false;
    for (const auto& queue : queues_)
      if (!queue.empty())
        return false;
    return true;
  }

  /// The first of the items pushed first, else the front of the next waiting
  /// stream's queue, or nothing when none waits.
  std::optional<T> pop() {
    if (!first_.empty()) {
      T item = std::move(first_.front());
      first_.pop_front();
      return item;
    }
    for (std::size_t i = 0; i < queues_.size(); ++i) {
      auto index = (next_ + i) % queues_.size();
      auto& queue = queues_[index];
      if (!queue.empty()) {
        next_ = (index + 1) % queues_.size();
        T item = std::move(queue.front());
        queue.pop_front();
        return item;
      }
    }
    return std::nullopt;
  }

  std::size_t size() const {
    std::size_t total = first_.size();
    for (const auto& queue : queues_)
      total += queue.size();
    return total;
  }

private:
  std::deque<T> first_;
  std::vector<std::deque<T>> queues_;
  std::size_t next_ = 0;
};

} // namespace klarna::logic
