#include "config/configured_catalog.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

namespace {

const std::vector<known_stream> known = {{"payouts", true}, {"transactions", false}};

std::vector<selected_stream> parse(const std::string& text) {
  return parse_configured_catalog(parse_json_text(text, "catalog"), known);
}

std::string entry(const std::string& name, const std::string& mode = "full_refresh") {
  return R"({"stream":{"name":")" + name + R"(","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":")"
         + mode + R"(","destination_sync_mode":"append"})";
}

} // namespace

TEST_CASE("selected streams keep the catalog's order", "[catalog]") {
  auto streams = parse(R"({"streams":[)" + entry("transactions") + "," + entry("payouts") + "]}");
  REQUIRE(streams.size() == 2);
  CHECK(streams[0].name == "transactions");
  CHECK(streams[1].name == "payouts");
}

TEST_CASE("a stream with a cursor may be selected incremental", "[catalog]") {
  auto streams = parse(R"({"streams":[)" + entry("payouts", "incremental") + ","
                       + entry("transactions") + "]}");
  REQUIRE(streams.size() == 2);
  CHECK(streams[0].mode == sync_mode::incremental);
  CHECK(streams[1].mode == sync_mode::full_refresh);
}

TEST_CASE("bad catalogs are refused with the entry named", "[catalog]") {
  CHECK_THROWS_WITH(parse(R"({"streams":[]})"), Catch::Contains("selects no streams"));
  CHECK_THROWS_WITH(parse(R"({})"), Catch::Contains("'streams' array"));
  CHECK_THROWS_WITH(parse(R"({"streams":[)" + entry("refunds") + "]}"),
                    Catch::Contains("streams[0] names unknown stream 'refunds'"));
  CHECK_THROWS_WITH(parse(R"({"streams":[)" + entry("transactions", "incremental") + "]}"),
                    Catch::Contains("streams[0] asks for sync_mode 'incremental' for stream "
                                    "'transactions'; it supports only full_refresh"));
  CHECK_THROWS_WITH(parse(R"({"streams":[)" + entry("payouts", "cdc") + "]}"),
                    Catch::Contains("it supports full_refresh and incremental"));
  CHECK_THROWS_WITH(parse(R"({"streams":[)" + entry("payouts") + "," + entry("payouts") + "]}"),
                    Catch::Contains("streams[1] selects stream 'payouts' a second time"));
  CHECK_THROWS_WITH(parse(R"({"streams":[{"sync_mode":"full_refresh"}]})"),
                    Catch::Contains("streams[0] must have a 'stream' object"));
}

TEST_CASE("discover's output in place of a configured catalog says what to do instead",
          "[catalog]") {
  auto discovered = R"({"streams":[{"name":"payouts","json_schema":{},"supported_sync_modes":["full_refresh"]}]})";
  auto as_printed = std::string(R"({"type":"CATALOG","catalog":)") + discovered + "}";
  for (const auto& text : {std::string(discovered), as_printed}) {
    std::string error;
    try {
      parse(text);
    } catch (const input_error& e) {
      error = e.what();
    }
    CHECK_THAT(error, Catch::Contains("discover's output")
                        && Catch::Contains("source-klarna catalog --streams")
                        && Catch::Contains("--streams instead of --catalog"));
  }
}
