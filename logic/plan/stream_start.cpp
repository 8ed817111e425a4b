#include "logic/plan/stream_start.hpp"

#include "config/iso8601.hpp"
#include "logic/plan/month_source.hpp"
#include "protocol/stream_catalog.hpp"

namespace klarna::logic {

namespace {

std::int64_t epoch_or_earliest(const std::string& text) {
  return config::parse_iso8601_epoch_seconds(text).value_or(INT64_MIN);
}

// Where this read's listing (per payout: its payouts listing) starts.
std::optional<std::string> listing_start_for(const protocol::stream_definition& stream,
                                             const stream_start& start,
                                             const std::optional<std::string>& config_start_date) {
  if (!start.incremental)
    return stream.filters_by_start_date ? config_start_date : std::nullopt;
  // From here on the stream has a date filter: its own, or the payouts listing's.
  if (!start.cursor)
    return config_start_date;
  if (stream.incremental == protocol::incremental_by::month) {
    // The month of the cursor and the one before can still change.
    auto cursor = config::parse_iso8601_epoch_seconds(*start.cursor).value_or(0);
    return later_of(config_start_date, config::format_iso8601_utc(month_start(cursor, -1)));
  }
  return later_of(config_start_date, days_before(*start.cursor, start.lookback_days));
}

} // namespace

std::optional<std::string> later_of(const std::optional<std::string>& a,
                                    const std::optional<std::string>& b) {
  if (!a || !b)
    return a ? a : b;
  return epoch_or_earliest(*b) > epoch_or_earliest(*a) ? b : a;
}

std::string days_before(const std::string& date, int days) {
  return config::format_iso8601_utc(epoch_or_earliest(date) - std::int64_t{days} * 86400);
}

std::string stream_start::describe() const {
  std::string text = incremental ? "incremental" : "full refresh";
  if (incremental)
    text += cursor ? " after payout_date " + *cursor : " from the beginning (no state)";
  if (per_payout)
    text += ", transactions per payout";
  if (listing_start)
    text += std::string(per_payout ? ", payouts" : ", listing") + " from " + *listing_start;
  if (offset > 0)
    text += ", resuming at record " + std::to_string(offset)
            + (expected_total ? " of " + std::to_string(*expected_total) : "");
  if (per_payout && !payouts_done.empty())
    text += ", " + std::to_string(payouts_done.size()) + " payouts done already";
  if (current)
    text += ", resuming payout " + current->payment_reference + " at transaction "
            + std::to_string(current->offset);
  return text;
}

stream_start plan_stream_start(const protocol::stream_definition& stream, bool incremental,
                               const std::optional<std::string>& config_start_date,
                               int lookback_days, const protocol::stream_progress& previous) {
  stream_start start;
  start.incremental = incremental && stream.supports_incremental();
  start.per_payout = start.incremental && stream.incremental == protocol::incremental_by::payout;
  start.lookback_days = lookback_days;
  if (start.incremental)
    start.cursor = previous.cursor;
  start.listing_start = listing_start_for(stream, start, config_start_date);
  if (start.per_payout) {
    start.payouts_done = previous.payouts_done;
    start.current = previous.current;
    return start;
  }
  const auto& listing = previous.listing;
  if (listing && !previous.full_refresh_complete && listing->start_date == start.listing_start) {
    start.offset = listing->offset;
    start.expected_total = listing->total;
    start.max_cursor = listing->max_cursor;
  }
  return start;
}

} // namespace klarna::logic
