#pragma once

// A page of a stream's output as a page source hands it on (logic/plan/page_source.hpp)
// and the emitter's ledger releases it (logic/ledger/stream_ledger.hpp): its place in the
// output, its records, and where the listing stands once it is written, which is
// what a checkpoint describes (logic/ledger/checkpoint_tracker.hpp).

#include "protocol/record_batch.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::logic {

/// Transactions read per payout: the payout a page belongs to, and whether it is
/// the last page of that payout's transactions.
struct payout_step {
  std::string payment_reference;
  std::string payout_date;
  bool complete = false;
};

/// Where a listing stands after one page: the offset of the first record not yet
/// emitted, the listing's total as that page gave it, and the page's latest
/// payout_date; per payout, offset and total are those of the payout's listing.
struct listing_step {
  std::int64_t next_offset = 0;
  std::optional<std::int64_t> total;
  std::optional<std::string> max_cursor;
  std::optional<payout_step> payout;
};

/// One parsed page of a stream's output, from its page source to the sink: its
/// place in the output and its records.
struct ledger_page {
  std::uint64_t seq = 0;
  protocol::record_batch records;
  /// Where the listing stands once the page is written.
  listing_step step;
};

} // namespace klarna::logic
