#include "logic/parse/json_scanner.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace klarna::logic;

namespace {

// Writes down every event, so a test can compare them as one text.
struct event_recorder {
  std::string events;

  void object_begin(std::size_t at, std::size_t blanks) {
    events += "{@" + std::to_string(at) + "/" + std::to_string(blanks) + " ";
  }
  void object_end(std::size_t past, std::size_t blanks) {
    events += "}@" + std::to_string(past) + "/" + std::to_string(blanks) + " ";
  }
  void array_begin() { events += "[ "; }
  void array_end() { events += "] "; }
  void key(std::string_view text) { events += "k:" + std::string(text) + " "; }
  void string(std::string_view text) { events += "s:" + std::string(text) + " "; }
  void integer(std::int64_t value) { events += "i:" + std::to_string(value) + " "; }
  void other_number() { events += "n "; }
  void boolean() { events += "b "; }
  void null() { events += "null "; }
};

bool scans(const std::string& text, std::string* events = nullptr) {
  event_recorder recorder;
  bool accepted = json_scanner<event_recorder>(text, recorder).scan();
  if (events)
    *events = recorder.events;
  return accepted;
}

bool boost_parses(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

} // namespace

TEST_CASE("the scanner reports every value, where objects lie and the whitespace before",
          "[scanner]") {
  std::string events;
  REQUIRE(scans(R"({"a":[1,-2,3.5e2,true,false,null], "b" : {"c":"x"}})", &events));
  CHECK(events
        == "{@0/0 k:a [ i:1 n n b b null ] k:b {@41/3 k:c s:x }@50/3 }@51/3 ");
  REQUIRE(scans("  [ {} ,{ }\n]\n", &events));
  CHECK(events == "[ {@4/3 }@6/3 {@8/4 }@11/5 ] ");
}

TEST_CASE("strings reach the handler with their escapes decoded", "[scanner]") {
  std::string events;
  REQUIRE(scans(R"(["a\"\\\/\b\f\n\r\t", "\u00e9\u20ac\ud83d\ude00", "Grö\u00dfe", "\u0000"])",
                &events));
  CHECK(events
        == std::string("[ s:a\"\\/\b\f\n\r\t s:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 s:Gr\xc3\xb6\xc3\x9f")
             + "e s:" + std::string(1, '\0') + " ] ");
}

TEST_CASE("plain integers up to 18 digits are integers; anything else is another number",
          "[scanner]") {
  std::string events;
  REQUIRE(scans("[0,123456789012345678,1234567890123456789,-1,-0,1.0,1e2,0.5E-3]", &events));
  CHECK(events == "[ i:0 i:123456789012345678 n n n n n n ] ");
}

TEST_CASE("the scanner accepts what Boost accepts, 32 levels deep at most", "[scanner]") {
  for (const std::string& text : std::vector<std::string>{"{}", "[]", "\"\"", "0", "-0.0e+0", "true", " null ", "[[[]]]", "{\"\":{\"\":[]}}",
        "\"\xc2\x80\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"",
        std::string(32, '[') + std::string(32, ']')}) {
    INFO(text);
    CHECK(boost_parses(text));
    CHECK(scans(text));
  }
}

TEST_CASE("the scanner refuses what is not JSON", "[scanner]") {
  using namespace std::string_literals;
  for (const std::string& text : std::vector<std::string>{"", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\"}", "01",
        "1.", ".5", "-", "+1", "1e", "1e+", "--1", "tru", "nul", "True", "NaN", "[1]x", "1 2",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\x01\"", "\"\t\"", "\"\\ud800\"",
        "\"\\ud800\\u0041\"", "\"\\udc00\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x9f\xbf\"",
        "\"\xed\xa0\x80\"", "\"\xf0\x8f\xbf\xbf\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
        "\"\xe2\x82\"", "\"\x80\"", "\"\xff\"", "[1]\x00"s, "/*c*/1",
        std::string(33, '[') + std::string(33, ']')}) {
    INFO(text);
    CHECK_FALSE(boost_parses(text));
    CHECK_FALSE(scans(text));
  }
}

TEST_CASE("exponents of more than 9 digits are left to Boost", "[scanner]") {
  CHECK(scans("1e123456789"));
  CHECK_FALSE(scans("1e1234567890"));
  CHECK(boost_parses("1e1234567890"));
}
