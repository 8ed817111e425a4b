#include "logic/ledger/stream_ledger.hpp"

#include <algorithm>

namespace klarna::logic {

stream_ledger::stream_ledger(std::string name) : name_(std::move(name)) {}

std::vector<ledger_page> stream_ledger::accept(ledger_page page, std::uint64_t pages_known) {
  std::vector<ledger_page> released;
  if (ended_ || page.seq < next_seq_)
    return released;
  pages_known_ = std::max(pages_known_, pages_known);
  waiting_.emplace(page.seq, std::move(page));
  for (auto it = waiting_.find(next_seq_); it != waiting_.end(); it = waiting_.find(next_seq_)) {
    records_ += it->second.records.size();
    running_ = running_ || !it->second.records.empty();
    released.push_back(std::move(it->second));
    waiting_.erase(it);
    ++next_seq_;
  }
  return released;
}

bool stream_ledger::take_running_start(bool completing) {
  if (!(running_ || completing) || running_announced_)
    return false;
  running_announced_ = true;
  return true;
}

void stream_ledger::set_page_count(std::uint64_t page_count) {
  page_count_ = page_count;
  pages_known_ = page_count;
}

bool stream_ledger::ready_to_complete() const {
  return !ended_ && page_count_ && next_seq_ >= *page_count_;
}

void stream_ledger::mark_complete() {
  ended_ = true;
  complete_ = true;
}

bool stream_ledger::end_incomplete() {
  if (ended_)
    return false;
  ended_ = true;
  waiting_.clear();
  return true;
}

protocol::stream_figures stream_ledger::figures() const {
  return {name_, records_, next_seq_, pages_known_, ended_, complete_};
}

bool all_ended(const std::vector<stream_output>& streams) {
  return std::all_of(streams.begin(), streams.end(),
                     [](const stream_output& stream) { return stream.pages.ended(); });
}

bool all_complete(const std::vector<stream_output>& streams) {
  return std::all_of(streams.begin(), streams.end(),
                     [](const stream_output& stream) { return stream.pages.complete(); });
}

std::vector<protocol::stream_figures> figures_of(const std::vector<stream_output>& streams) {
  std::vector<protocol::stream_figures> figures;
  for (const auto& stream : streams)
    figures.push_back(stream.pages.figures());
  return figures;
}

} // namespace klarna::logic
