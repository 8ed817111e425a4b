#include "config/input_error.hpp"
#include "protocol/stream_state.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace klarna::protocol;

namespace {
stream_progress read(const std::string& json) {
  return from_stream_state(boost::json::parse(json).as_object(), "state of 'payouts'");
}
} // namespace

TEST_CASE("each state shape is written and read back", "[state]") {
  stream_progress cut;
  cut.cursor = "2024-03-02T08:00:00Z";
  cut.listing = listing_position{std::string("2024-03-01T08:00:00Z"), 1500, 4000,
                                 std::string("2024-03-05T08:00:00Z")};
  auto json = to_stream_state(cut);
  CHECK(json == boost::json::parse(R"({"payout_date":"2024-03-02T08:00:00Z","listing":{
          "start_date":"2024-03-01T08:00:00Z","offset":1500,"total":4000,
          "max_payout_date":"2024-03-05T08:00:00Z"}})"));
  auto back = from_stream_state(json, "x");
  CHECK(back.cursor == cut.cursor);
  REQUIRE(back.listing);
  CHECK(*back.listing == *cut.listing);

  stream_progress done;
  done.full_refresh_complete = true;
  CHECK(to_stream_state(done) == boost::json::parse(R"({"__ab_full_refresh_sync_complete":true})"));
  CHECK(from_stream_state(to_stream_state(done), "x").full_refresh_complete);
  // An older connector's marker, or nothing: no progress.
  auto old = read(R"({"__ab_no_cursor_state_message":true})");
  CHECK_FALSE(old.cursor);
  CHECK_FALSE(old.listing);
}

TEST_CASE("per payout, the payouts done and the one under way are kept", "[state]") {
  stream_progress progress;
  progress.cursor = "2024-03-02T08:00:00Z";
  progress.payouts_done = {{"KP1", "2024-03-01T08:00:00Z"}, {"KP2", "2024-03-02T08:00:00Z"}};
  progress.current = payout_position{"KP3", 500};
  auto json = to_stream_state(progress);
  CHECK(json == boost::json::parse(R"({"payout_date":"2024-03-02T08:00:00Z",
          "payouts_done":{"KP1":"2024-03-01T08:00:00Z","KP2":"2024-03-02T08:00:00Z"},
          "current":{"payment_reference":"KP3","offset":500}})"));
  auto back = from_stream_state(json, "x");
  CHECK(back.payouts_done == progress.payouts_done);
  REQUIRE(back.current);
  CHECK(back.current->payment_reference == "KP3");
  CHECK(back.current->offset == 500);
  CHECK_THROWS_WITH(read(R"({"payouts_done":{"KP1":1}})"),
                    "state of 'payouts'.payouts_done.KP1 must be an ISO-8601 date-time string, got integer");
  CHECK_THROWS_WITH(read(R"({"current":{"offset":1}})"),
                    "state of 'payouts'.current.payment_reference must be a non-empty string");
}

TEST_CASE("a state with wrong values is refused, naming the key", "[state]") {
  using klarna::config::input_error;
  CHECK_THROWS_WITH(read(R"({"payout_date":"yesterday"})"),
                    "state of 'payouts'.payout_date must be an ISO-8601 date-time, got 'yesterday'");
  CHECK_THROWS_WITH(read(R"({"payout_date":5})"),
                    "state of 'payouts'.payout_date must be an ISO-8601 date-time string, got integer");
  CHECK_THROWS_WITH(read(R"({"listing":[]})"), "state of 'payouts'.listing must be an object, got array");
  CHECK_THROWS_WITH(read(R"({"listing":{"total":3}})"), "state of 'payouts'.listing.offset is required");
  CHECK_THROWS_WITH(read(R"({"listing":{"offset":-1}})"),
                    "state of 'payouts'.listing.offset must be an integer from 0 to 1000000000000, got -1");
  CHECK_THROWS_WITH(read(R"({"listing":{"offset":9223372036854775807}})"),
                    Catch::Contains("must be an integer from 0 to 1000000000000, got 9223372036854775807"));
  CHECK_THROWS_WITH(read(R"({"listing":{"offset":1000000,"total":1030}})"),
                    "state of 'payouts'.listing.offset 1000000 is past the listing's total 1030: "
                    "no read of that listing can have stopped there");
  // A 10 MB value is not echoed whole.
  CHECK_THROWS_WITH(read(R"({"listing":{"offset":")" + std::string(10'000'000, 'x') + R"("}})"),
                    Catch::Contains("more bytes cut]"));
  CHECK_THROWS_WITH(read(R"({"listing":{"offset":1,"start_date":"x"}})"),
                    Catch::Contains("listing.start_date must be an ISO-8601"));
  CHECK_THROWS_AS(read(R"({"listing":{"offset":1.5}})"), input_error);
}
