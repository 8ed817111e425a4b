#pragma once

// The stream_state objects this connector writes into per-stream STATE messages and
// reads back from a state file (docs/CONFIGURATION.md, "State"):
//   payouts, incremental, complete:  {"payout_date": "2024-03-01T08:00:00Z"}
//   payouts, incremental, cut:       {"payout_date": C, "listing": {...}}
//   transactions, incremental:       {"payout_date": C, "payouts_done": {ref: date, ...},
//                                     "current": {"payment_reference": R, "offset": N}}
//   full refresh, cut:               {"listing": {...}}
//   full refresh, complete:          {"__ab_full_refresh_sync_complete": true}
// where "listing" is {"start_date": S (absent without a filter), "offset": N,
// "total": T (absent when the API gave none), "max_payout_date": M}: the first N
// records of the listing filtered from S were emitted, the listing then held T
// records, and M is the latest payout_date among them. payout_date is the latest
// payout_date of a complete incremental read; payouts_done are the payouts whose
// transactions were all emitted (those from payout_date less the lookback on, once
// a read completes), current the one whose first N transactions were.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace klarna::protocol {

/// How far a listing (one collection read from one start_date filter) was emitted.
struct listing_position {
  std::optional<std::string> start_date;
  std::int64_t offset = 0;
  std::optional<std::int64_t> total;
  /// The latest payout_date among the emitted records (payouts).
  std::optional<std::string> max_cursor;

  bool operator==(const listing_position& other) const;
};

/// The payout whose transactions are being emitted, and how many were.
struct payout_position {
  std::string payment_reference;
  std::int64_t offset = 0;
};

/// A stream's state: what the last complete read reached and where a cut read stands.
struct stream_progress {
  /// The latest payout_date of the last complete incremental read.
  std::optional<std::string> cursor;
  /// Set while a read is under way (or was cut).
  std::optional<listing_position> listing;
  /// Transactions read per payout: payment_reference -> payout_date of the payouts
  /// whose transactions were all emitted, and the one under way.
  std::map<std::string, std::string> payouts_done;
  std::optional<payout_position> current;
  /// A full refresh that ended complete: the next read starts over.
  bool full_refresh_complete = false;
};

/// The stream_state object of `progress`.
boost::json::object to_stream_state(const stream_progress& progress);

/// Reads a stream_state object written by to_stream_state. `where` names it in
/// errors (config::input_error naming the key and what was expected). Unknown keys
/// are ignored; an empty object is a stream with no progress.
stream_progress from_stream_state(const boost::json::object& state, const std::string& where);

} // namespace klarna::protocol
