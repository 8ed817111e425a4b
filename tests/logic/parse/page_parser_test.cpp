#include "logic/parse/page_parser.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace klarna::logic;

namespace {

page_format records_in(const std::string& key, const std::string& cursor = {},
                       std::vector<std::string> key_fields = {}) {
  return {key, cursor, std::move(key_fields), 0};
}

// The batch's records, a line each.
std::string lines_of(const klarna::protocol::record_batch& records) {
  std::string lines;
  records.for_each([&](std::string_view record) { (lines += record) += '\n'; });
  return lines;
}

} // namespace

TEST_CASE("a page's records go into a batch, unchanged and in order", "[parser]") {
  std::string body = R"({"payouts":[{"id":1,"big":9007199254740993,"name":"Größe ✓ \"q\"","n":null},
                                    {"id":2,"neg":-9223372036854775807}],
                         "pagination":{"count":2,"total":7,"offset":0,"next":"http://h/x?offset=2"}})";
  auto page = parse_page(body, records_in("payouts"), 42);
  CHECK(page.records.size() == 2);
  CHECK(page.records.emitted_at_ms() == 42);
  CHECK(page.pagination.count == 2);
  CHECK(page.pagination.total == std::optional<std::int64_t>(7));
  CHECK(page.pagination.next == std::optional<std::string>("http://h/x?offset=2"));
  CHECK(page.records[0] == "{\"id\":1,\"big\":9007199254740993,\"name\":\"Größe ✓ \\\"q\\\"\",\"n\":null}");
  CHECK(page.records[1] == "{\"id\":2,\"neg\":-9223372036854775807}");
}

TEST_CASE("the last page has no next", "[parser]") {
  auto page = parse_page(R"({"transactions":[],"pagination":{"count":0,"total":0}})", records_in("transactions"), 1);
  CHECK(page.records.empty());
  CHECK(page.records.bytes() == 0);
  CHECK_FALSE(page.pagination.next);
}

TEST_CASE("pages of the wrong shape are refused before anything is rendered", "[parser]") {
  auto fails = [](const std::string& body) { return parse_page(body, records_in("payouts"), 1); };
  CHECK_THROWS_WITH(fails("{\"payouts\":["), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(fails("[]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(fails(R"({"transactions":[],"pagination":{"count":0}})"),
                    Catch::Contains("no 'payouts' array"));
  CHECK_THROWS_WITH(fails(R"({"pagination":{"count":0},"other":[]})"),
                    Catch::Contains("no 'payouts' array"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[1],"pagination":{"count":1}})"),
                    Catch::Contains("not an object"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[]})"), Catch::Contains("no 'pagination' object"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[{}],"pagination":{"count":2}})"),
                    Catch::Contains("pagination.count is 2 but the page has 1 records"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":{"count":0,"next":5}})"),
                    Catch::Contains("pagination.next is not a string"));
}

TEST_CASE("records keep Klarna's bytes: number spelling, escapes, key order", "[parser]") {
  std::string body = "{\n  \"pagination\" : {\"count\": 2, \"total\": 2, \"next\": null},\n"
                     "  \"transactions\" : [\n"
                     "    { \"amount\" : 1.50 , \"text\" : \"a b\\u00e9\\\"\\n\", \"e\": 1E3 },\n"
                     "    {\"z\":1,\"a\":[ 1 , { \"b\" : true } ]}\n  ]\n}\n";
  auto page = parse_page(body, records_in("transactions"), 7);
  CHECK_FALSE(page.pagination.next);
  CHECK(lines_of(page.records)
        == "{\"amount\":1.50,\"text\":\"a b\\u00e9\\\"\\n\",\"e\":1E3}\n"
           "{\"z\":1,\"a\":[1,{\"b\":true}]}\n");
}

TEST_CASE("every record is the JSON value Klarna sent", "[parser]") {
  std::string body = R"({"other":{"payouts":[1]},"payouts":[{"k":"x\\y","n":[[],{}],"s":" { ] "},)"
                     R"({"u":"\ud83d\ude00"}],"pagination":{"count":2,"extra":{"next":5}}})";
  auto page = parse_page(body, records_in("payouts"), 1);
  auto original = boost::json::parse(body).at("payouts").as_array();
  REQUIRE(page.records.size() == original.size());
  for (std::size_t i = 0; i < original.size(); ++i)
    CHECK(boost::json::parse(page.records[i]) == original[i]);
}

TEST_CASE("ambiguous or trailing content is refused", "[parser]") {
  auto fails = [](const std::string& body) { return parse_page(body, records_in("payouts"), 1); };
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"payouts":[],"pagination":{"count":0}})"),
                    Catch::Contains("two 'payouts' members"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":{"count":0}} {})"),
                    Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(fails(R"({"payouts":{},"pagination":{"count":0}})"),
                    Catch::Contains("no 'payouts' array"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":[]})"),
                    Catch::Contains("no 'pagination' object"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":{"count":0,"total":-1}})"),
                    Catch::Contains("pagination.total is negative"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":{"count":"0"}})"),
                    Catch::Contains("pagination.count is not an integer"));
  CHECK_THROWS_WITH(fails(R"({"payouts":[],"pagination":{"count":0.5}})"),
                    Catch::Contains("pagination.count is not an integer"));
  CHECK_THROWS_WITH(fails(""), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(fails("{\"payouts\":[{\"a\":\"\xff\"}],\"pagination\":{\"count\":1}}"),
                    Catch::Contains("not valid JSON"));
  CHECK_NOTHROW(fails("{\"payouts\":[],\"pagination\":{\"count\":0}}\n"));
}

TEST_CASE("the latest cursor of a page is found by instant, not by text", "[parser]") {
  std::string body = R"({"payouts":[
      {"payout_date":"2024-03-01T10:00:00Z","totals":{"payout_date":"2999-01-01T00:00:00Z"}},
      {"payout_date":"2024-03-01T12:00:00+01:00"},
      {"payout_date":"2024-03-01T10:30:00Z"},
      {"payout_date":"not a date"},
      {"other":"2030-01-01T00:00:00Z"}],
    "pagination":{"count":5}})";
  auto page = parse_page(body, records_in("payouts", "payout_date"), 1);
  // 12:00+01:00 is 11:00Z: the latest; a nested field of the same name is not the cursor.
  CHECK(page.max_cursor == std::optional<std::string>("2024-03-01T12:00:00+01:00"));
  CHECK_FALSE(parse_page(body, records_in("payouts"), 1).max_cursor);
  CHECK_FALSE(parse_page(R"({"payouts":[],"pagination":{"count":0}})",
                         records_in("payouts", "payout_date"), 1)
                .max_cursor);
}

TEST_CASE("the key fields' values are kept per record, as their last string value", "[parser]") {
  std::string body = R"({"payouts":[
      {"payment_reference":"a\u00e9","payout_date":"2024-03-01T10:00:00Z","n":{"payment_reference":"no"}},
      {"payout_date":"2024-03-02T10:00:00Z"},
      {"payment_reference":"x","payment_reference":5},
      {"payment_reference":7,"payment_reference":"y"}],
    "pagination":{"count":4}})";
  for (auto parse : {parse_page, parse_page_by_boost}) {
    auto page = parse(body, records_in("payouts", "", {"payment_reference", "payout_date"}), 1);
    auto& records = page.records;
    CHECK(records.key(0, "payment_reference") == std::optional<std::string>("aé"));
    CHECK(records.key(0, "payout_date") == std::optional<std::string>("2024-03-01T10:00:00Z"));
    CHECK_FALSE(records.key(1, "payment_reference"));
    CHECK_FALSE(records.key(2, "payment_reference")); // its last value is not a string
    CHECK(records.key(3, "payment_reference") == std::optional<std::string>("y"));
    CHECK_FALSE(records.key(0, "n")); // not a key field
    records.drop_front(1);
    CHECK(records.key(0, "payout_date") == std::optional<std::string>("2024-03-02T10:00:00Z"));
  }
}

TEST_CASE("a page that is a bare array (payout summaries) is one whole answer", "[parser]") {
  auto page = parse_page(R"( [ {"summary_settlement_currency":"EUR","summary_total_fee_amount":-9007199254740993},
                               {"summary_settlement_currency":"SEK"} ] )",
                         records_in(""), 7);
  CHECK(page.pagination.count == 2);
  CHECK_FALSE(page.pagination.total);
  CHECK_FALSE(page.pagination.next);
  CHECK(lines_of(page.records)
        == "{\"summary_settlement_currency\":\"EUR\",\"summary_total_fee_amount\":-9007199254740993}\n"
           "{\"summary_settlement_currency\":\"SEK\"}\n");
  CHECK(parse_page("[]", records_in(""), 7).records.empty());
  CHECK_THROWS_WITH(parse_page(R"({"a":1})", records_in(""), 7), "the page is not a JSON array");
  CHECK_THROWS_WITH(parse_page("[1]", records_in(""), 7), "an element of the page is not an object");
  CHECK_THROWS_AS(parse_page("[{}", records_in(""), 7), page_error);
}

TEST_CASE("a page the scanner leaves to Boost is still read, the same as Boost reads it",
          "[parser]") {
  // An exponent of ten digits: Boost.JSON takes it, the scanner does not.
  std::string body = R"({"payouts":[{"x":1e1234567890,"d":"2026-01-02T00:00:00Z"}],)"
                     R"("pagination":{"count":1}})";
  auto page = parse_page(body, records_in("payouts", "d"), 3);
  auto reference = parse_page_by_boost(body, records_in("payouts", "d"), 3);
  CHECK(page.records.size() == 1);
  CHECK(lines_of(page.records) == lines_of(reference.records));
  CHECK(page.max_cursor == std::optional<std::string>("2026-01-02T00:00:00Z"));
  CHECK_THROWS_WITH(parse_page(R"({"payouts":[{"x":1e}],"pagination":{"count":1}})", records_in("payouts"), 1),
                    Catch::Contains("not valid JSON"));
}

TEST_CASE("the scanner and Boost read the same pages the same", "[parser]") {
  for (std::string body :
       {R"({"payouts":[{"a":1},{"b":[2,{"c":"\u00e9"}]}],"pagination":{"count":2,"next":"u\/v"}})",
        "{ \"payouts\" : [ { \"a\" : 1 } ] ,\n \"pagination\" : { \"count\" : 1 , \"total\" : 4 } }",
        R"({"pagination":{"count":0,"next":null},"payouts":[],"other":{"payouts":[1]}})"}) {
    INFO(body);
    auto page = parse_page(body, records_in("payouts"), 5);
    auto reference = parse_page_by_boost(body, records_in("payouts"), 5);
    CHECK(lines_of(page.records) == lines_of(reference.records));
    CHECK(page.pagination.count == reference.pagination.count);
    CHECK(page.pagination.total == reference.pagination.total);
    CHECK(page.pagination.next == reference.pagination.next);
  }
}
