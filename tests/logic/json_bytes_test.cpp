#include "logic/json_bytes.hpp"

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
