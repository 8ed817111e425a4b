#include "logic/page_parser.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace klarna::logic;

TEST_CASE("a page's records become RECORD lines, unchanged and in order", "[parser]") {
  std::string body = R"({"payouts":[{"id":1,"big":9007199254740993,"name":"Größe ✓ \"q\"","n":null},
                                    {"id":2,"neg":-9223372036854775807}],
                         "pagination":{"count":2,"total":7,"offset":0,"next":"http://h/x?offset=2"}})";
  auto page = parse_page(body, "payouts", "payouts", 42);
  CHECK(page.record_count == 2);
  CHECK(page.pagination.count == 2);
  CHECK(page.pagination.total == std::optional<std::int64_t>(7));
  CHECK(page.pagination.next == std::optional<std::string>("http://h/x?offset=2"));
  CHECK(page.record_lines
        == "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payouts\",\"data\":"
           "{\"id\":1,\"big\":9007199254740993,\"name\":\"Größe ✓ \\\"q\\\"\",\"n\":null},"
           "\"emitted_at\":42}}\n"
           "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payouts\",\"data\":"
           "{\"id\":2,\"neg\":-9223372036854775807},\"emitted_at\":42}}\n");
}

TEST_CASE("the last page has no next", "[parser]") {
  auto page = parse_page(R"({"transactions":[],"pagination":{"count":0,"total":0}})", "transactions",
                         "transactions", 1);
  CHECK(page.record_count == 0);
  CHECK(page.record_lines.empty());
  CHECK_FALSE(page.pagination.next);
}

TEST_CASE("pages of the wrong shape are refused before anything is rendered", "[parser]") {
  auto fails = [](const std::string& body) { return parse_page(body, "payouts", "payouts", 1); };
  CHECK_THROWS_WITH(fails("{\"payouts\":["), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(fails("[]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(fails(R"({"transactions":[],"pagination":{"count":0}})"),
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
  auto page = parse_page(body, "transactions", "transactions", 7);
  CHECK(page.record_count == 2);
  CHECK_FALSE(page.pagination.next);
  CHECK(page.record_lines
        == "{\"type\":\"RECORD\",\"record\":{\"stream\":\"transactions\",\"data\":"
           "{\"amount\":1.50,\"text\":\"a b\\u00e9\\\"\\n\",\"e\":1E3},\"emitted_at\":7}}\n"
           "{\"type\":\"RECORD\",\"record\":{\"stream\":\"transactions\",\"data\":"
           "{\"z\":1,\"a\":[1,{\"b\":true}]},\"emitted_at\":7}}\n");
}

TEST_CASE("every rendered line is the JSON value Klarna sent", "[parser]") {
  std::string body = R"({"other":{"payouts":[1]},"payouts":[{"k":"x\\y","n":[[],{}],"s":" { ] "},)"
                     R"({"u":"\ud83d\ude00"}],"pagination":{"count":2,"extra":{"next":5}}})";
  auto page = parse_page(body, "payouts", "payouts", 1);
  auto original = boost::json::parse(body).at("payouts").as_array();
  std::size_t start = 0;
  for (const auto& record : original) {
    auto end = page.record_lines.find('\n', start);
    auto line = boost::json::parse(page.record_lines.substr(start, end - start));
    CHECK(line.at("record").at("data") == record);
    start = end + 1;
  }
  CHECK(start == page.record_lines.size());
}

TEST_CASE("ambiguous or trailing content is refused", "[parser]") {
  auto fails = [](const std::string& body) { return parse_page(body, "payouts", "payouts", 1); };
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
  auto page = parse_page(body, "payouts", "payouts", 1, "payout_date");
  // 12:00+01:00 is 11:00Z: the latest; a nested field of the same name is not the cursor.
  CHECK(page.max_cursor == std::optional<std::string>("2024-03-01T12:00:00+01:00"));
  CHECK_FALSE(parse_page(body, "payouts", "payouts", 1).max_cursor);
  CHECK_FALSE(parse_page(R"({"payouts":[],"pagination":{"count":0}})", "payouts", "payouts", 1,
                         "payout_date")
                .max_cursor);
}

TEST_CASE("a page that is a bare array (payout summaries) is one whole answer", "[parser]") {
  auto page = parse_page(R"( [ {"summary_settlement_currency":"EUR","summary_total_fee_amount":-9007199254740993},
                               {"summary_settlement_currency":"SEK"} ] )",
                         "", "payout_summaries", 7);
  CHECK(page.record_count == 2);
  CHECK(page.pagination.count == 2);
  CHECK_FALSE(page.pagination.total);
  CHECK_FALSE(page.pagination.next);
  CHECK(page.record_lines
        == "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payout_summaries\",\"data\":"
           "{\"summary_settlement_currency\":\"EUR\",\"summary_total_fee_amount\":-9007199254740993},"
           "\"emitted_at\":7}}\n"
           "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payout_summaries\",\"data\":"
           "{\"summary_settlement_currency\":\"SEK\"},\"emitted_at\":7}}\n");
  CHECK(parse_page("[]", "", "payout_summaries", 7).record_count == 0);
  CHECK_THROWS_WITH(parse_page(R"({"a":1})", "", "s", 7), "the page is not a JSON array");
  CHECK_THROWS_WITH(parse_page("[1]", "", "s", 7), "an element of the page is not an object");
  CHECK_THROWS_AS(parse_page("[{}", "", "s", 7), page_error);
}

TEST_CASE("a page the scanner leaves to Boost is still read, the same as Boost reads it",
          "[parser]") {
  // An exponent of ten digits: Boost.JSON takes it, the scanner does not.
  std::string body = R"({"payouts":[{"x":1e1234567890,"d":"2026-01-02T00:00:00Z"}],)"
                     R"("pagination":{"count":1}})";
  auto page = parse_page(body, "payouts", "payouts", 3, "d");
  auto reference = parse_page_by_boost(body, "payouts", "payouts", 3, "d");
  CHECK(page.record_count == 1);
  CHECK(page.record_lines == reference.record_lines);
  CHECK(page.max_cursor == std::optional<std::string>("2026-01-02T00:00:00Z"));
  CHECK_THROWS_WITH(parse_page(R"({"payouts":[{"x":1e}],"pagination":{"count":1}})", "payouts",
                               "payouts", 1),
                    Catch::Contains("not valid JSON"));
}

TEST_CASE("the scanner and Boost read the same pages the same", "[parser]") {
  for (std::string body :
       {R"({"payouts":[{"a":1},{"b":[2,{"c":"\u00e9"}]}],"pagination":{"count":2,"next":"u\/v"}})",
        "{ \"payouts\" : [ { \"a\" : 1 } ] ,\n \"pagination\" : { \"count\" : 1 , \"total\" : 4 } }",
        R"({"pagination":{"count":0,"next":null},"payouts":[],"other":{"payouts":[1]}})"}) {
    INFO(body);
    auto page = parse_page(body, "payouts", "payouts", 5);
    auto reference = parse_page_by_boost(body, "payouts", "payouts", 5);
    CHECK(page.record_lines == reference.record_lines);
    CHECK(page.record_count == reference.record_count);
    CHECK(page.pagination.count == reference.pagination.count);
    CHECK(page.pagination.total == reference.pagination.total);
    CHECK(page.pagination.next == reference.pagination.next);
  }
}
