#pragma once

// The stream_state objects this connector writes into per-stream STATE messages and
// reads back from a state file. Four shapes (docs/CONFIGURATION.md, "State"):
//   incremental, complete:   {"payout_date": "2024-03-01T08:00:00Z"}
//   incremental, cut:        {"payout_date": C, "listing": {...}}
//   full refresh, cut:       {"listing": {...}}
//   full refresh, complete:  {"__ab_full_refresh_sync_complete": true}
// where "listing" is {"start_date": S (absent without a filter), "offset": N,
// "total": T (absent when the API gave none), "max_payout_date": M (incremental)}:
// the first N records of the listing filtered from S were emitted, the listing then
// held T records, and M is the highest cursor among them.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::protocol {

/// How far a listing (one collection read from one start_date filter) was emitted.
struct listing_position {
  std::optional<std::string> start_date;
  std::int64_t offset = 0;
  std::optional<std::int64_t> total;
  /// Highest cursor value among the emitted records (incremental streams).
  std::optional<std::string> max_cursor;

  bool operator==(const listing_position& other) const;
};

/// A stream's state: what the last complete read reached and where a cut read stands.
struct stream_progress {
  /// Cursor value of the last complete incremental read (payout_date).
  std::optional<std::string> cursor;
  /// Set while a read is under way (or was cut).
  std::optional<listing_position> listing;
  /// A full refresh that ended complete: the next read starts over.
  bool full_refresh_complete = false;
};

/// The stream_state object of `progress`; `cursor_field` names the cursor key.
boost::json::object to_stream_state(const stream_progress& progress,
                                    const std::string& cursor_field);

/// Reads a stream_state object written by to_stream_state. `where` names it in
/// errors (config::input_error naming the key and what was expected). Unknown keys
/// are ignored; an empty object is a stream with no progress.
stream_progress from_stream_state(const boost::json::object& state,
                                  const std::string& cursor_field, const std::string& where);

} // namespace klarna::protocol
