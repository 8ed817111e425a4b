#include "logic/ledger/checkpoint_tracker.hpp"

namespace klarna::logic {

checkpoint_tracker::checkpoint_tracker(stream_start start, std::uint64_t every_records,
                                       clock::duration every_interval, clock::time_point now)
  : start_(std::move(start)),
    every_records_(every_records),
    every_interval_(every_interval),
    last_checkpoint_(now) {
  position_.start_date = start_.listing_start;
  position_.offset = start_.offset;
  position_.total = start_.expected_total;
  position_.max_cursor = start_.max_cursor;
  payouts_done_ = start_.payouts_done;
  current_ = start_.current;
}

void checkpoint_tracker::on_written(const listing_step& step, std::uint64_t records) {
  records_since_ += records;
  if (const auto& payout = step.payout) {
    if (payout->complete) {
      payouts_done_[payout->payment_reference] = payout->payout_date;
      current_.reset();
    } else {
      current_ = protocol::payout_position{payout->payment_reference, step.next_offset};
    }
    return;
  }
  position_.offset = step.next_offset;
  if (step.total)
    position_.total = step.total;
  position_.max_cursor = later_of(position_.max_cursor, step.max_cursor);
}

bool checkpoint_tracker::due(clock::time_point now) const {
  return records_since_ >= every_records_
         || (records_since_ > 0 && now - last_checkpoint_ >= every_interval_);
}

protocol::stream_progress checkpoint_tracker::take_checkpoint(clock::time_point now,
                                                              std::uint64_t& records) {
  records = records_since_;
  records_since_ = 0;
  last_checkpoint_ = now;
  protocol::stream_progress progress;
  progress.cursor = start_.cursor;
  if (start_.per_payout) {
    progress.payouts_done = payouts_done_;
    progress.current = current_;
  } else {
    progress.listing = position_;
  }
  return progress;
}

protocol::stream_progress checkpoint_tracker::final_state(std::uint64_t& records) {
  records = records_since_;
  records_since_ = 0;
  protocol::stream_progress progress;
  if (!start_.incremental) {
    progress.full_refresh_complete = true;
    return progress;
  }
  progress.cursor = later_of(start_.cursor, position_.max_cursor);
  for (const auto& [reference, date] : payouts_done_)
    progress.cursor = later_of(progress.cursor, date);
  // The next read lists payouts from the cursor less the lookback: only the payouts
  // done since then can come again, and only they need to be remembered.
  if (progress.cursor) {
    auto horizon = days_before(*progress.cursor, start_.lookback_days);
    for (const auto& [reference, date] : payouts_done_)
      if (later_of(date, horizon) == date)
        progress.payouts_done.emplace(reference, date);
  }
  return progress;
}

} // namespace klarna::logic
