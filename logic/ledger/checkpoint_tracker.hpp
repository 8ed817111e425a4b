#pragma once

// When a stream checkpoints, and what its state says: the emitter reports each page
// it has written, in order, and asks whether a STATE is due. A state only ever
// describes records already written, so a read resumed from it neither loses nor
// repeats a record. Pure logic, tested with a fake clock.

#include "logic/plan/output_page.hpp"
#include "logic/plan/stream_start.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace klarna::logic {

class checkpoint_tracker {
public:
  using clock = std::chrono::steady_clock;

  /// A checkpoint is due after `every_records` records, or once `every_interval`
  /// has passed since the last one and records were written meanwhile.
  checkpoint_tracker(stream_start start, std::uint64_t every_records,
                     clock::duration every_interval, clock::time_point now);

  /// A page of `records` records was written; the listing now stands at `step`.
  void on_written(const listing_step& step, std::uint64_t records);

  bool due(clock::time_point now) const;

  /// The state of everything written so far (the stream still runs); resets the
  /// count and the clock. `records` gets the records since the previous checkpoint.
  protocol::stream_progress take_checkpoint(clock::time_point now, std::uint64_t& records);

  /// The state once the stream is complete: incremental streams keep the latest
  /// payout_date (per payout, with the payouts done within the lookback of it), full
  /// refresh says it is complete.
  protocol::stream_progress final_state(std::uint64_t& records);

private:
  stream_start start_;
  std::uint64_t every_records_;
  clock::duration every_interval_;
  clock::time_point last_checkpoint_;
  std::uint64_t records_since_ = 0;
  protocol::listing_position position_;
  std::map<std::string, std::string> payouts_done_;
  std::optional<protocol::payout_position> current_;
};

} // namespace klarna::logic
