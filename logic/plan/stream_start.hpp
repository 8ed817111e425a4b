#pragma once

// Where one stream's read begins, from the catalog's sync mode, the config and the
// stream's state (protocol/stream_state.hpp). Pure logic: the read pipeline asks it
// once per stream before any request.

#include "protocol/stream_state.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::logic {

struct stream_start {
  bool incremental = false;
  /// Incremental transactions: read per payout, from the payouts listing.
  bool per_payout = false;
  /// The start_date filter of the listing (per payout: of the payouts listing);
  /// nullopt for none.
  std::optional<std::string> listing_start;
  /// The end_date filter of the payouts listing: the instant the read began, so
  /// payouts made during the read are left to the next one. Unset for a listing
  /// starting later than that (the filter would be an empty range).
  std::optional<std::string> listing_end;
  /// A cut read of the same listing emitted its first `offset` records, when the
  /// listing held `expected_total`; a different total now means offsets moved, and
  /// the listing is read again from 0.
  std::int64_t offset = 0;
  std::optional<std::int64_t> expected_total;
  /// The latest payout_date of the last complete incremental read, and the latest
  /// among the records the cut read emitted.
  std::optional<std::string> cursor;
  std::optional<std::string> max_cursor;
  /// Per payout: the payouts whose transactions were all emitted (reference -> its
  /// payout_date), and the one a cut read was in.
  std::map<std::string, std::string> payouts_done;
  std::optional<protocol::payout_position> current;
  int lookback_days = 0;

  /// "incremental after payout_date 2024-03-01T08:00:00Z, listing from ..."
  std::string describe() const;

  /// The records add to those of earlier syncs: an incremental read continuing
  /// from the cursor of a complete one.
  bool continues_earlier_sync() const { return incremental && cursor.has_value(); }

  /// Given the checkpoint of a cut read, this read takes up where it stopped (a
  /// listing resumed at its offset; per payout, always).
  bool resumes_cut_read() const { return per_payout || offset > 0; }
};

/// Incremental streams list (payouts) from max(config start_date, cursor - lookback
/// days); full refresh lists from the config's start_date where the stream has that
/// filter. A cut listing (state with "listing") is resumed when it was filtered from
/// that same start; a complete full refresh starts over.
stream_start plan_stream_start(const protocol::stream_definition& stream, bool incremental,
                               const std::optional<std::string>& config_start_date,
                               int lookback_days, const protocol::stream_progress& previous);

/// The later of two ISO-8601 date-times (by instant; unparsable text counts as
/// earliest); either may be absent.
std::optional<std::string> later_of(const std::optional<std::string>& a,
                                    const std::optional<std::string>& b);

/// `date` less `days` days, as an ISO-8601 UTC date-time.
std::string days_before(const std::string& date, int days);

} // namespace klarna::logic
