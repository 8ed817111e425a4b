#pragma once

// Where one stream's read begins, from the catalog's sync mode, the config and the
// stream's state (protocol/stream_state.hpp). Pure logic: the read pipeline asks it
// once per stream before any request.

#include "protocol/stream_state.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::logic {

struct stream_start {
  bool incremental = false;
  /// The listing's start_date filter; nullopt for none.
  std::optional<std::string> listing_start;
  /// A cut read of the same listing emitted its first `offset` records, when the
  /// listing held `expected_total`; a different total now means offsets moved, and
  /// the listing is read again from 0.
  std::int64_t offset = 0;
  std::optional<std::int64_t> expected_total;
  /// The cursor of the last complete incremental read, and the highest cursor among
  /// the records the cut read emitted.
  std::optional<std::string> cursor;
  std::optional<std::string> max_cursor;

  /// "incremental from payout_date 2024-03-01T08:00:00Z (lookback 1 day), ..."
  std::string describe(const std::string& cursor_field) const;
};

/// Incremental streams list from max(config start_date, cursor - lookback days);
/// full refresh lists from the config's start_date. A cut listing (state with
/// "listing") is resumed when it was filtered from that same start; a complete full
/// refresh starts over.
stream_start plan_stream_start(const protocol::stream_definition& stream, bool incremental,
                               const std::optional<std::string>& config_start_date,
                               int lookback_days, const protocol::stream_progress& previous);

/// The later of two ISO-8601 date-times (by instant; unparsable text counts as
/// earliest); either may be absent.
std::optional<std::string> later_of(const std::optional<std::string>& a,
                                    const std::optional<std::string>& b);

} // namespace klarna::logic
