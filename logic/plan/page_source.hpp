#pragma once

// What a stream planner actor drives, without CAF: which page to request next, and
// what a parsed page means for the stream. One listing (logic/plan/listing_source.hpp),
// or one listing per payout (logic/plan/payout_fanout.hpp).

#include "logic/plan/listing_reader.hpp"
#include "logic/parse/page_parser.hpp"
#include "logic/plan/output_page.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::logic {

/// How a request counts against the stream's credits (pages fetched but not yet
/// written by the sink).
enum class credit_use {
  spend,  ///< takes a credit, which the sink's write gives back
  borrow, ///< the earliest page of the stream, requested without a credit so that
          ///< pages held for it cannot stall the stream; its write repays the loan
  none,   ///< never written (a payouts page read for its references)
};

struct page_request {
  /// Which of the source's listings, and the page's place in it; both come back
  /// with the parsed page.
  std::uint64_t listing = 0;
  std::uint64_t seq = 0;
  std::string url;
  /// The collection the page belongs to (its records key).
  const protocol::stream_definition* definition = nullptr;
  credit_use credit = credit_use::spend;
};

/// What a parsed page gives.
struct page_outcome {
  /// Pages to emit (logic/ledger/stream_ledger.hpp): `seq` is each one's place in the
  /// stream's output, where pages are written strictly in seq order.
  std::vector<ledger_page> pages;
  std::vector<std::string> warnings;
  /// Set when the stream cannot go on.
  std::optional<listing_failure> error;
  /// Credits of requests that will never be written (a page dropped).
  std::uint64_t credits_back = 0;
  /// The stream's records start over from the first: what was emitted of it since
  /// its state is void.
  bool restarted = false;
};

class page_source {
public:
  virtual ~page_source() = default;

  /// The next page to request; with no credit left only a page that need not
  /// spend one.
  virtual std::optional<page_request> take_next(bool has_credit) = 0;

  /// A requested page, parsed.
  virtual page_outcome on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) = 0;

  /// True when every page was received and handed on.
  virtual bool finished() const = 0;

  /// True when a page is due to be requested (given a credit).
  virtual bool has_work() const = 0;

  /// Pages of the output known so far (all of them once finished).
  virtual std::uint64_t pages_known() const = 0;

  /// Record lines of pages received and not yet handed on (answers ahead of a
  /// missing one), in bytes: the planner's bound on unwritten bytes counts them.
  virtual std::uint64_t held_bytes() const = 0;
};

} // namespace klarna::logic
