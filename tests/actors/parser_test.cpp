// A parser on the test coordinator: it answers a body that parses with the page's
// record batch (to whoever asked the fetcher for it), and hands one that does not
// back to the fetcher as an unusable_page, saying why.

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
  std::shared_ptr<recording> planner_log = std::make_shared<recording>();
  parser_actor parser;

  parser_under_test() {
    parser = runtime.stop_at_end(actors::spawn_parser(
      runtime.system(), caf::actor_cast<fetcher_actor>(runtime.recorder(fetcher_log))));
    runtime.recorder(planner_log);
  }

  // The page's request, as the fetcher delegates it: from the planner.
  void parse(const std::string& stream, std::string body, std::uint64_t max_records = 10) {
    fetch_page page;
    page.listing = 2;
    page.seq = 7;
    page.definition = protocol::find_stream(stream);
    page.max_records = max_records;
    planner_log->ask<fetch_result>(parser, fetched_page{std::move(page), std::move(body)});
    runtime.run();
  }

  std::vector<fetch_result> answers() const { return planner_log->all<fetch_result>(); }
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
  CHECK(answers[0].page.listing == 2);
  CHECK(answers[0].page.seq == 7);
  const auto& page = *answers[0].parsed;
  const auto& records = page.records;
  REQUIRE(records.size() == 2);
  CHECK(records[0] == R"({"payment_reference":"a","payout_date":"2024-01-02T00:00:00Z"})");
  CHECK(records.key(1, "payment_reference") == std::optional<std::string>("b"));
  CHECK(records.emitted_at_ms() > 0);
  // Payouts read incrementally continue from their latest payout_date.
  CHECK(page.max_cursor == std::optional<std::string>("2024-01-03T00:00:00Z"));
  CHECK(page.pagination.total == std::optional<std::int64_t>(2));
  CHECK(test.fetcher_log->messages.empty());
}

TEST_CASE("a body that is not the collection goes back to the fetcher, saying why",
          "[parser]") {
  parser_under_test test;
  test.parse("transactions", R"({"transactions":[{"a":1}],"pagination":{"count":2}})");
  test.parse("transactions", R"({"transactions":[{},{},{}],"pagination":{"count":3}})", 2);
  auto refused = test.fetcher_log->all<unusable_page>();
  REQUIRE(refused.size() == 2);
  CHECK_THAT(refused[0].reason, Catch::Contains("not a valid collection")
                                  && Catch::Contains("pagination.count is 2 but the page has 1"));
  CHECK(refused[0].page.seq == 7);
  CHECK_THAT(refused[1].reason, Catch::Contains("more than the 2 records asked for"));
  // The fetcher answers the page in the end; the parser does not.
  CHECK(test.answers().empty());
}
