#include "config/input_error.hpp"
#include "config/json_input.hpp"
#include "config/state_input.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace klarna::config;

namespace {
input_state parse(const std::string& text) {
  return parse_input_state(parse_json_text(text, "state"));
}
} // namespace

TEST_CASE("each stream's stream_state is read from STREAM, GLOBAL and legacy states", "[state]") {
  CHECK(parse("[]").empty());
  auto streams = parse(R"([{"type":"STREAM","stream":{"stream_descriptor":{"name":"payouts"},
                             "stream_state":{"payout_date":"2024-01-01T00:00:00Z"}}},
                           {"type":"STREAM","stream":{"stream_descriptor":{"name":"transactions"}}}])");
  REQUIRE(streams.size() == 2);
  CHECK(streams["payouts"] == boost::json::parse(R"({"payout_date":"2024-01-01T00:00:00Z"})"));
  CHECK(streams["transactions"].empty());
  auto global = parse(R"([{"type":"GLOBAL","global":{"stream_states":[
                            {"stream_descriptor":{"name":"payouts"},"stream_state":{"a":1}}]}}])");
  CHECK(global["payouts"] == boost::json::parse(R"({"a":1})"));
  auto legacy = parse(R"({"payouts":{"a":1},"note":"x"})");
  REQUIRE(legacy.size() == 1);
  CHECK(legacy["payouts"] == boost::json::parse(R"({"a":1})"));
}

TEST_CASE("corrupt states are refused with the entry named", "[state]") {
  CHECK_THROWS_WITH(parse("42"), Catch::Contains("state must be an array"));
  CHECK_THROWS_WITH(parse("[1]"), Catch::Contains("state[0] must be an object"));
  CHECK_THROWS_WITH(parse(R"([{"type":"STREAM"}])"), Catch::Contains("no 'stream' object"));
  CHECK_THROWS_WITH(parse(R"([{"type":"BOGUS"}])"),
                    Catch::Contains("state[0].type must be STREAM, GLOBAL or LEGACY"));
  CHECK_THROWS_WITH(parse(R"([{"type":"STREAM","stream":{"stream_descriptor":{"name":"payouts"},"stream_state":[1]}}])"),
                    Catch::Contains("state[0].stream.stream_state must be an object"));
  CHECK_THROWS_WITH(parse(R"([{"type":"GLOBAL","global":{}}])"),
                    Catch::Contains("state[0].global must have a 'stream_states' array"));
  auto twice = R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"payouts"}}})";
  CHECK_THROWS_WITH(parse(std::string("[") + twice + "," + twice + "]"),
                    Catch::Contains("state[1].stream repeats the state of stream 'payouts'"));
}
