#include "logic/ledger/checkpoint_tracker.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using namespace std::chrono_literals;
using clock_type = checkpoint_tracker::clock;

TEST_CASE("a checkpoint is due after so many records or, with records, after the interval",
          "[checkpoint]") {
  clock_type::time_point t0{};
  checkpoint_tracker tracker({}, 1000, 30s, t0);
  CHECK_FALSE(tracker.due(t0 + 1h)); // nothing written: nothing to say
  tracker.on_written({500, 5000, std::nullopt, std::nullopt}, 500);
  CHECK_FALSE(tracker.due(t0 + 29s));
  CHECK(tracker.due(t0 + 30s));
  tracker.on_written({1000, 5000, std::nullopt, std::nullopt}, 500);
  CHECK(tracker.due(t0 + 1s));
  std::uint64_t records = 0;
  auto state = tracker.take_checkpoint(t0 + 1s, records);
  CHECK(records == 1000);
  REQUIRE(state.listing);
  CHECK(state.listing->offset == 1000);
  CHECK(state.listing->total == std::optional<std::int64_t>(5000));
  CHECK_FALSE(tracker.due(t0 + 2s));
  CHECK_FALSE(state.full_refresh_complete);
}

TEST_CASE("an incremental stream checkpoints its start cursor and listing, then the latest cursor",
          "[checkpoint]") {
  stream_start start;
  start.incremental = true;
  start.cursor = "2024-03-02T08:00:00Z";
  start.listing_start = "2024-03-01T08:00:00Z";
  start.offset = 20;
  start.max_cursor = "2024-03-03T00:00:00Z";
  clock_type::time_point t0{};
  checkpoint_tracker tracker(start, 10, 30s, t0);
  tracker.on_written({30, 40, std::string("2024-03-02T20:00:00Z"), std::nullopt}, 10);
  std::uint64_t records = 0;
  auto middle = tracker.take_checkpoint(t0, records);
  CHECK(middle.cursor == start.cursor); // what the listing's filter was computed from
  REQUIRE(middle.listing);
  CHECK(middle.listing->start_date == start.listing_start);
  CHECK(middle.listing->offset == 30);
  CHECK(middle.listing->max_cursor == std::optional<std::string>("2024-03-03T00:00:00Z"));
  tracker.on_written({40, 40, std::string("2024-03-04T08:00:00Z"), std::nullopt}, 10);
  auto done = tracker.final_state(records);
  CHECK(records == 10);
  CHECK(done.cursor == std::optional<std::string>("2024-03-04T08:00:00Z"));
  CHECK_FALSE(done.listing);
}

TEST_CASE("a full refresh ends with the completion marker", "[checkpoint]") {
  checkpoint_tracker tracker({}, 10, 30s, clock_type::time_point{});
  tracker.on_written({3, 3, std::nullopt, std::nullopt}, 3);
  std::uint64_t records = 0;
  auto done = tracker.final_state(records);
  CHECK(records == 3);
  CHECK(done.full_refresh_complete);
  CHECK_FALSE(done.cursor);
  CHECK_FALSE(done.listing);
}

TEST_CASE("per payout, checkpoints list the payouts done and the one under way; the final "
          "state keeps only those within the lookback", "[checkpoint]") {
  stream_start start;
  start.incremental = true;
  start.per_payout = true;
  start.lookback_days = 1;
  start.cursor = "2024-03-01T08:00:00Z";
  start.payouts_done = {{"KP0", "2024-03-01T08:00:00Z"}};
  clock_type::time_point t0{};
  checkpoint_tracker tracker(start, 1, 30s, t0);
  tracker.on_written({500, 800, std::nullopt, payout_step{"KP1", "2024-03-02T08:00:00Z", false}}, 500);
  std::uint64_t records = 0;
  auto middle = tracker.take_checkpoint(t0, records);
  CHECK(middle.cursor == start.cursor);
  CHECK(middle.payouts_done.size() == 1);
  REQUIRE(middle.current);
  CHECK(middle.current->payment_reference == "KP1");
  CHECK(middle.current->offset == 500);
  CHECK_FALSE(middle.listing);
  tracker.on_written({800, 800, std::nullopt, payout_step{"KP1", "2024-03-02T08:00:00Z", true}}, 300);
  tracker.on_written({10, 10, std::nullopt, payout_step{"KP2", "2024-03-04T08:00:00Z", true}}, 10);
  auto done = tracker.final_state(records);
  CHECK(records == 310);
  CHECK(done.cursor == std::optional<std::string>("2024-03-04T08:00:00Z"));
  // KP0 and KP1 are older than the cursor less one day: a next read cannot meet them.
  CHECK(done.payouts_done == std::map<std::string, std::string>{{"KP2", "2024-03-04T08:00:00Z"}});
  CHECK_FALSE(done.current);
}
