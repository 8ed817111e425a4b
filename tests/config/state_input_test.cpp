#include "config/input_error.hpp"
#include "config/json_input.hpp"
#include "config/state_input.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

namespace {
void validate(const std::string& text) {
  validate_input_state(parse_json_text(text, "state"));
}
} // namespace

TEST_CASE("valid states are accepted", "[state]") {
  CHECK_NOTHROW(validate("[]"));
  CHECK_NOTHROW(validate(R"({"anything":1})")); // legacy
  CHECK_NOTHROW(validate(R"([{"type":"STREAM","stream":{"stream_descriptor":{"name":"payouts"},
                              "stream_state":{"__ab_no_cursor_state_message":true}}}])"));
  CHECK_NOTHROW(validate(R"([{"type":"GLOBAL","global":{"stream_states":[]}}])"));
}

TEST_CASE("corrupt states are refused with the entry named", "[state]") {
  CHECK_THROWS_WITH(validate("42"), Catch::Contains("state must be an array"));
  CHECK_THROWS_WITH(validate("[1]"), Catch::Contains("state[0] must be an object"));
  CHECK_THROWS_WITH(validate(R"([{"type":"STREAM"}])"), Catch::Contains("no 'stream' object"));
  CHECK_THROWS_WITH(validate(R"([{"type":"BOGUS"}])"),
                    Catch::Contains("state[0].type must be STREAM, GLOBAL or LEGACY"));
}
