#pragma once

#include "logic/plan/page_source.hpp"
#include "logic/plan/stream_start.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace klarna::logic {

/// Payout summaries: one request per calendar month (UTC), from the month of the
/// start's listing_start to the month of `now`, each answer one page, emitted in
/// month order. A cut read resumes at its first month not emitted (months do not
/// move when a new one begins).
class month_source : public page_source {
public:
  month_source(const protocol::stream_definition& stream, const std::string& api_base_url,
               const stream_start& start, std::int64_t now_epoch_seconds);

  std::optional<page_request> take_next(bool has_credit) override;
  page_outcome on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) override;
  bool finished() const override { return received_ == urls_.size(); }
  bool has_work() const override { return handed_out_ < urls_.size(); }
  std::uint64_t pages_known() const override { return urls_.size(); }
  std::uint64_t held_bytes() const override { return 0; } // each answer is handed on

private:
  const protocol::stream_definition& stream_;
  /// Months from the first not yet emitted: their first instant and request URL.
  std::vector<std::string> month_starts_;
  std::vector<std::string> urls_;
  std::int64_t first_index_ = 0; // months before it were emitted by a cut read
  std::int64_t month_count_ = 0; // from the listing's first month
  std::size_t handed_out_ = 0;
  std::size_t received_ = 0;
};

/// The first instant (UTC) of the month `months` months after the one of `epoch`.
std::int64_t month_start(std::int64_t epoch_seconds, int months = 0);

} // namespace klarna::logic
