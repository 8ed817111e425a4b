#pragma once

#include "logic/plan/listing_reader.hpp"
#include "logic/plan/page_source.hpp"
#include "logic/plan/stream_start.hpp"

#include <memory>
#include <set>
#include <vector>

namespace klarna::logic {

/// Incremental transactions, read per payout: the payouts listing from the start's
/// filter (its pages are not emitted), then for every payout not done yet the
/// listing /transactions?payment_reference=<it> (the payout a cut read was in, from
/// where it stopped). All those listings are requested in parallel, earliest payout
/// first; their pages leave payout by payout, in payouts listing order. A page of a
/// later payout waits here until every earlier payout's pages are counted; when the
/// credits are all spent on such pages, the earliest payout borrows one so the
/// stream always moves.
class payout_fanout : public page_source {
public:
  payout_fanout(const protocol::stream_definition& transactions,
                const protocol::stream_definition& payouts, std::string api_base_url,
                int page_size, stream_start start);
  payout_fanout(const payout_fanout&) = delete;
  payout_fanout& operator=(const payout_fanout&) = delete;

  std::optional<page_request> take_next(bool has_credit) override;
  page_outcome on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) override;
  bool finished() const override;
  bool has_work() const override;
  std::uint64_t pages_known() const override;
  std::uint64_t held_bytes() const override;

private:
  /// One payout's transactions.
  struct payout_listing {
    std::string reference;
    std::string payout_date;
    listing_reader reader;
    /// Verified pages that wait for the earlier payouts' page counts.
    std::vector<verified_page> held;
  };

  void add_payouts(const protocol::record_batch& records);
  ledger_page to_emit(payout_listing& payout, verified_page page);
  void advance(page_outcome& outcome);

  const protocol::stream_definition& transactions_;
  const protocol::stream_definition& payouts_;
  std::string api_base_url_;
  int page_size_;
  stream_start start_;
  /// Listing 0: the payouts, in listing order, to list the payouts to read.
  listing_reader payouts_reader_;
  /// Listing i + 1: the transactions of payout i.
  std::vector<std::unique_ptr<payout_listing>> listings_;
  std::set<std::string> listed_; // payment references given a listing
  /// The earliest payout whose pages are not all received; the output seq of its
  /// page 0 (every earlier payout's pages are counted).
  std::size_t frontier_ = 0;
  std::uint64_t frontier_base_ = 0;
};

} // namespace klarna::logic
