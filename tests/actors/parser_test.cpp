// A parser on the test coordinator: it answers a body that parses with its record
// batch, one that does not with why, for the fetcher to retry it.

#include "actors/parser.hpp"

#include "actors/deterministic_system.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

struct parser_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> fetcher_log = std::make_shared<recording>();
  parser_actor parser;

  parser_under_test() {
    parser = runtime.stop_at_end(actors::spawn_parsers(runtime.system(), 1).front());
    runtime.recorder(fetcher_log);
  }

  void parse(const std::string& stream, std::string body, std::uint64_t max_records = 10) {
    fetch_page page;
    page.listing = 2;
    page.seq = 7;
    page.definition = protocol::find_stream(stream);
    page.max_records = max_records;
    fetcher_log->ask<parse_outcome>(parser, fetched_page{std::move(page), std::move(body)});
    runtime.run();
  }

  std::vector<parse_outcome> answers() const { return fetcher_log->all<parse_outcome>(); }
};

} // namespace

TEST_CASE("a page that parses is answered with its record batch and keys", "[parser]") {
  parser_under_test test;
  test.parse("payouts", R"({"payouts":[{"payment_reference":"a","payout_date":"2024-01-02T00:00:00Z"},)"
                        R"({"payment_reference":"b","payout_date":"2024-01-03T00:00:00Z"}],)"
                        R"("pagination":{"count":2,"total":2}})");
  auto answers = test.answers();
  REQUIRE(answers.size() == 1);
  REQUIRE(answers[0].parsed);
  CHECK(answers[0].refusal.empty());
  const auto& page = *answers[0].parsed;
  const auto& records = page.records;
  REQUIRE(records.size() == 2);
  CHECK(records[0] == R"({"payment_reference":"a","payout_date":"2024-01-02T00:00:00Z"})");
  CHECK(records.key(1, "payment_reference") == std::optional<std::string>("b"));
  CHECK(records.emitted_at_ms() > 0);
  // Payouts read incrementally continue from their latest payout_date.
  CHECK(page.max_cursor == std::optional<std::string>("2024-01-03T00:00:00Z"));
  CHECK(page.pagination.total == std::optional<std::int64_t>(2));
}

TEST_CASE("a body that is not the collection is answered with why", "[parser]") {
  parser_under_test test;
  test.parse("transactions", R"({"transactions":[{"a":1}],"pagination":{"count":2}})");
  test.parse("transactions", R"({"transactions":[{},{},{}],"pagination":{"count":3}})", 2);
  auto refused = test.answers();
  REQUIRE(refused.size() == 2);
  CHECK_FALSE(refused[0].parsed);
  CHECK_THAT(refused[0].refusal, Catch::Contains("not a valid collection")
                                   && Catch::Contains("pagination.count is 2 but the page has 1"));
  CHECK_FALSE(refused[1].parsed);
  CHECK_THAT(refused[1].refusal, Catch::Contains("more than the 2 records asked for"));
}
