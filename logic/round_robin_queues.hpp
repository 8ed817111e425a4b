#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace klarna::logic {

/// One FIFO queue per stream, served in turn: each pop takes the front of the next
/// non-empty queue after the one served last, so when several streams wait, grants
/// alternate between them and none starves however many requests another has queued.
template <class T>
class round_robin_queues {
public:
  explicit round_robin_queues(std::size_t stream_count) : queues_(stream_count ? stream_count : 1) {}

  /// Queues `item` for `stream` (indexes beyond the count wrap around).
  void push(std::size_t stream, T item) { queues_[stream % queues_.size()].push_back(std::move(item)); }

  bool empty() const {
    for (const auto& queue : queues_)
      if (!queue.empty())
        return false;
    return true;
  }

  /// The front of the next waiting stream's queue, or nothing when none waits.
  std::optional<T> pop() {
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
    std::size_t total = 0;
    for (const auto& queue : queues_)
      total += queue.size();
    return total;
  }

private:
  std::vector<std::deque<T>> queues_;
  std::size_t next_ = 0;
};

} // namespace klarna::logic
