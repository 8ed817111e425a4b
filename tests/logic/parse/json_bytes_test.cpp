#include "logic/parse/json_bytes.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace klarna::logic;

TEST_CASE("skip_value steps over strings with escaped quotes and nested brackets") {
  std::string json = R"(["a\"]", {"b": [1, "}"]}, -1.5e3, true, null])";
  std::size_t at = 1;
  std::vector<std::string> values;
  while (json[at] != ']') {
    auto end = skip_value(json, at);
    values.push_back(json.substr(at, end - at));
    at = skip_whitespace(json, end);
    if (json[at] == ',')
      at = skip_whitespace(json, at + 1);
  }
  CHECK(values == std::vector<std::string>{R"("a\"]")", R"({"b": [1, "}"]})", "-1.5e3", "true", "null"});
}

TEST_CASE("append_compact drops whitespace outside strings only") {
  std::string json = "{ \"a b\" :\t[ 1 ,\r\n 2 ] , \"c\" : \"x \\\\\" }  tail";
  std::string out = "<";
  auto end = append_compact(json, 0, out);
  CHECK(out == "<{\"a b\":[1,2],\"c\":\"x \\\\\"}");
  CHECK(json.substr(end) == "  tail");
}

TEST_CASE("member_value finds a member by its position") {
  std::string json = R"( { "x" : {"y": "}"} , "payouts" : [ {} ] , "z":1 })";
  auto root = skip_whitespace(json, 0);
  CHECK(json.substr(member_value(json, root, 0), 4) == "{\"y\"");
  CHECK(json.substr(member_value(json, root, 1), 3) == "[ {");
  CHECK(json.substr(member_value(json, root, 2), 1) == "1");
  CHECK(member_value(json, root, 3) == json.size());
}

TEST_CASE("strings are stepped over whole wherever a quote or an escape falls in them") {
  // Long strings are scanned sixteen bytes at a time: put an escaped quote, an
  // escaped backslash and the closing quote at every offset of those chunks, and
  // end the input at every length after the string.
  for (std::size_t prefix = 0; prefix < 40; ++prefix) {
    for (const char* escape : {"\\\"", "\\\\", "\\u0041", ""}) {
      std::string text = std::string(prefix, 'a') + escape + std::string(prefix % 19, 'b');
      std::string json = "{\"k\": \"" + text + "\" }";
      for (std::size_t tail = 0; tail < 20; ++tail) {
        std::string input = json + std::string(tail, ' ');
        std::string out;
        auto end = append_compact(input, 0, out);
        CHECK(out == "{\"k\":\"" + text + "\"}");
        CHECK(end == json.size());
        CHECK(skip_value(input, 6) == 6 + text.size() + 2);
      }
    }
  }
}
