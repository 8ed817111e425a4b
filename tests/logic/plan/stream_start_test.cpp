#include "logic/plan/stream_start.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using klarna::protocol::find_stream;
using klarna::protocol::listing_position;
using klarna::protocol::stream_progress;

namespace {

const auto& payouts = *find_stream("payouts");
const auto& transactions = *find_stream("transactions");

stream_progress with_cursor(const char* cursor) {
  stream_progress progress;
  progress.cursor = cursor;
  return progress;
}

} // namespace

TEST_CASE("an incremental read lists from the cursor less the lookback", "[start]") {
  auto start = plan_stream_start(payouts, true, std::nullopt, 1, with_cursor("2024-03-02T08:00:00Z"));
  CHECK(start.incremental);
  CHECK(start.cursor == std::optional<std::string>("2024-03-02T08:00:00Z"));
  CHECK(start.listing_start == std::optional<std::string>("2024-03-01T08:00:00Z"));
  CHECK(start.offset == 0);
  // The config's start_date wins when it is later; a zone offset counts by instant.
  auto later = plan_stream_start(payouts, true, std::string("2024-03-01T10:00:00+01:00"), 1,
                                 with_cursor("2024-03-02T08:00:00Z"));
  CHECK(later.listing_start == std::optional<std::string>("2024-03-01T10:00:00+01:00"));
  auto zero = plan_stream_start(payouts, true, std::nullopt, 0, with_cursor("2024-03-02T08:00:00+02:00"));
  CHECK(zero.listing_start == std::optional<std::string>("2024-03-02T06:00:00Z"));
}

TEST_CASE("without a cursor, or in full refresh, the listing starts at the config's start_date",
          "[start]") {
  auto first = plan_stream_start(payouts, true, std::string("2024-01-01"), 1, {});
  CHECK(first.listing_start == std::optional<std::string>("2024-01-01"));
  CHECK_FALSE(first.cursor);
  auto full = plan_stream_start(payouts, false, std::nullopt, 1, with_cursor("2024-03-02T08:00:00Z"));
  CHECK_FALSE(full.incremental);
  CHECK_FALSE(full.listing_start);
  CHECK_FALSE(full.cursor);
  // Transactions have no date filter: a full refresh lists them all.
  auto listing = plan_stream_start(transactions, false, std::string("2024-01-01"), 1, {});
  CHECK_FALSE(listing.incremental);
  CHECK_FALSE(listing.listing_start);
}

TEST_CASE("incremental transactions go per payout, from the payouts after the cursor", "[start]") {
  stream_progress cut = with_cursor("2024-03-02T08:00:00Z");
  cut.payouts_done = {{"KP1", "2024-03-02T08:00:00Z"}};
  cut.current = klarna::protocol::payout_position{"KP2", 500};
  auto start = plan_stream_start(transactions, true, std::nullopt, 1, cut);
  CHECK(start.incremental);
  CHECK(start.per_payout);
  CHECK(start.listing_start == std::optional<std::string>("2024-03-01T08:00:00Z"));
  CHECK(start.payouts_done == cut.payouts_done);
  REQUIRE(start.current);
  CHECK(start.current->offset == 500);
  CHECK(start.describe()
        == "incremental after payout_date 2024-03-02T08:00:00Z, transactions per payout, payouts "
           "from 2024-03-01T08:00:00Z, 1 payouts done already, resuming payout KP2 at transaction 500");
}

TEST_CASE("a cut listing resumes only when it was filtered from the same start", "[start]") {
  stream_progress cut = with_cursor("2024-03-02T08:00:00Z");
  cut.listing = listing_position{std::string("2024-03-01T08:00:00Z"), 1500, 4000,
                                 std::string("2024-03-05T08:00:00Z")};
  auto resumed = plan_stream_start(payouts, true, std::nullopt, 1, cut);
  CHECK(resumed.offset == 1500);
  CHECK(resumed.expected_total == std::optional<std::int64_t>(4000));
  CHECK(resumed.max_cursor == std::optional<std::string>("2024-03-05T08:00:00Z"));
  CHECK(resumed.describe()
        == "incremental after payout_date 2024-03-02T08:00:00Z, listing from "
           "2024-03-01T08:00:00Z, resuming at record 1500 of 4000");
  // Another lookback means another listing: read from its start.
  CHECK(plan_stream_start(payouts, true, std::nullopt, 2, cut).offset == 0);
  // A full refresh lists from the config's start, not the incremental filter.
  CHECK(plan_stream_start(payouts, false, std::nullopt, 1, cut).offset == 0);

  stream_progress full_cut;
  full_cut.listing = listing_position{std::nullopt, 700, 900, std::nullopt};
  CHECK(plan_stream_start(transactions, false, std::nullopt, 1, full_cut).offset == 700);
  full_cut.full_refresh_complete = true;
  CHECK(plan_stream_start(transactions, false, std::nullopt, 1, full_cut).offset == 0);
}

TEST_CASE("later_of compares instants and tolerates absence", "[start]") {
  CHECK(later_of(std::string("2024-01-01T01:00:00+02:00"), std::string("2024-01-01T00:00:00Z"))
        == std::optional<std::string>("2024-01-01T00:00:00Z"));
  CHECK(later_of(std::nullopt, std::string("2024-01-01")) == std::optional<std::string>("2024-01-01"));
  CHECK_FALSE(later_of(std::nullopt, std::nullopt));
}

TEST_CASE("payout summaries read again from the month before the cursor's", "[start]") {
  const auto& summaries = *find_stream("payout_summaries");
  auto start = plan_stream_start(summaries, true, std::string("2023-01-15"), 1,
                                 with_cursor("2024-03-01T00:00:00Z"));
  CHECK(start.listing_start == std::optional<std::string>("2024-02-01T00:00:00Z"));
  CHECK(plan_stream_start(summaries, true, std::string("2023-01-15"), 1, {}).listing_start
        == std::optional<std::string>("2023-01-15"));
  CHECK(plan_stream_start(summaries, false, std::string("2023-01-15"), 1,
                          with_cursor("2024-03-01T00:00:00Z"))
          .listing_start
        == std::optional<std::string>("2023-01-15"));
}
