#pragma once

// The emitter's bookkeeping for one stream, without CAF: pages arrive in any order
// and leave strictly in page order; the stream completes once every page the
// planner announced has left, or ends incomplete and drops what it still holds.

#include "logic/ledger/checkpoint_tracker.hpp"
#include "protocol/record_batch.hpp"
#include "protocol/run_figures.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace klarna::logic {

class stream_ledger {
public:
  explicit stream_ledger(std::string name);

  const std::string& name() const { return name_; }

  /// Takes page `page.seq` (the planner knew `pages_known` pages when it sent it)
  /// and returns the pages that are now next in order, to be written in that
  /// order; none when it arrived ahead of a missing one. Pages of an ended stream
  /// are dropped.
  std::vector<ledger_page> accept(ledger_page page, std::uint64_t pages_known);

  /// True once: when a page with records has been released, or when the stream is
  /// `completing` without any (the caller then reports it RUNNING).
  bool take_running_start(bool completing = false);

  /// The planner says the stream has exactly `page_count` pages.
  void set_page_count(std::uint64_t page_count);

  /// True when every page was released and the stream has not ended yet: the
  /// caller checkpoints and closes it, then calls mark_complete().
  bool ready_to_complete() const;
  void mark_complete();

  /// Ends the stream incomplete, dropping the pages it holds. False when it had
  /// ended already (complete or not).
  bool end_incomplete();

  bool ended() const { return ended_; }
  bool complete() const { return complete_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t pages_released() const { return next_seq_; }
  std::optional<std::uint64_t> page_count() const { return page_count_; }
  /// Pages that arrived ahead of a missing one.
  std::size_t pages_held() const { return waiting_.size(); }

  protocol::stream_figures figures() const;

private:
  std::string name_;
  std::uint64_t next_seq_ = 0;
  std::map<std::uint64_t, ledger_page> waiting_;
  std::optional<std::uint64_t> page_count_;
  std::uint64_t pages_known_ = 1;
  std::uint64_t records_ = 0;
  bool running_ = false;
  bool running_announced_ = false;
  bool ended_ = false;
  bool complete_ = false;
};

/// Everything the emitter keeps of one stream: its pages in order and when it
/// checkpoints.
struct stream_output {
  stream_ledger pages;
  checkpoint_tracker checkpoints;
};

/// Where every stream of a sync ended: all ended, and whether all completed.
bool all_ended(const std::vector<stream_output>& streams);
bool all_complete(const std::vector<stream_output>& streams);
std::vector<protocol::stream_figures> figures_of(const std::vector<stream_output>& streams);

} // namespace klarna::logic
