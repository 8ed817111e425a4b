#include "logic/stream_start.hpp"

#include "config/iso8601.hpp"
#include "protocol/stream_catalog.hpp"

namespace klarna::logic {

namespace {

std::int64_t epoch_or_earliest(const std::string& text) {
  return config::parse_iso8601_epoch_seconds(text).value_or(INT64_MIN);
}

// Where this read's listing starts.
std::optional<std::string> listing_start_for(const protocol::stream_definition& stream,
                                             bool incremental,
                                             const std::optional<std::string>& config_start_date,
                                             int lookback_days,
                                             const std::optional<std::string>& cursor) {
  if (!stream.filters_by_start_date)
    return std::nullopt;
  if (!incremental || !cursor)
    return config_start_date;
  auto lookback = config::format_iso8601_utc(epoch_or_earliest(*cursor)
                                             - std::int64_t{lookback_days} * 86400);
  return later_of(config_start_date, lookback);
}

} // namespace

std::optional<std::string> later_of(const std::optional<std::string>& a,
                                    const std::optional<std::string>& b) {
  if (!a || !b)
    return a ? a : b;
  return epoch_or_earliest(*b) > epoch_or_earliest(*a) ? b : a;
}

std::string stream_start::describe(const std::string& cursor_field) const {
  std::string text = incremental ? "incremental" : "full refresh";
  if (incremental)
    text += cursor ? " after " + cursor_field + " " + *cursor : " from the beginning (no state)";
  if (listing_start)
    text += ", listing from " + *listing_start;
  if (offset > 0)
    text += ", resuming at record " + std::to_string(offset)
            + (expected_total ? " of " + std::to_string(*expected_total) : "");
  return text;
}

stream_start plan_stream_start(const protocol::stream_definition& stream, bool incremental,
                               const std::optional<std::string>& config_start_date,
                               int lookback_days, const protocol::stream_progress& previous) {
  stream_start start;
  start.incremental = incremental && stream.supports_incremental();
  if (start.incremental)
    start.cursor = previous.cursor;
  start.listing_start = listing_start_for(stream, start.incremental, config_start_date,
                                          lookback_days, start.cursor);
  const auto& listing = previous.listing;
  if (listing && !previous.full_refresh_complete && listing->start_date == start.listing_start) {
    start.offset = listing->offset;
    start.expected_total = listing->total;
    if (start.incremental)
      start.max_cursor = listing->max_cursor;
  }
  return start;
}

} // namespace klarna::logic
