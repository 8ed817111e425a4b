// A parser on the test coordinator: a page that parses goes to its planner as a
// record batch, one that does not back to the fetcher to be retried.

#include "actors/parser.hpp"

#include "actors/deterministic_system.hpp"
#include "pipeline/messages/pipeline_messages.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

struct parser_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> planner_log = std::make_shared<recording>();
  std::shared_ptr<recording> fetcher_log = std::make_shared<recording>();
  caf::actor parser;
  caf::actor planner;
  caf::actor fetcher;

  parser_under_test() {
    auto& system = runtime.system();
    parser = runtime.stop_at_end(actors::spawn_parsers(system, 1).front());
    planner = runtime.recorder(planner_log);
    fetcher = runtime.recorder(fetcher_log);
  }

  void parse(const std::string& stream, std::string body, std::uint64_t max_records = 10) {
    fetch_page page;
    page.listing = 2;
    page.seq = 7;
    page.definition = protocol::find_stream(stream);
    page.max_records = max_records;
    page.planner = planner;
    caf::anon_send(parser, fetched_page{std::move(page), std::move(body), fetcher});
    runtime.run();
  }
};

} // namespace

TEST_CASE("a page that parses reaches its planner as a record batch with its keys",
          "[parser]") {
  parser_under_test test;
  test.parse("payouts", R"({"payouts":[{"payment_reference":"a","payout_date":"2024-01-02T00:00:00Z"},)"
                        R"({"payment_reference":"b","payout_date":"2024-01-03T00:00:00Z"}],)"
                        R"("pagination":{"count":2,"total":2}})");
  auto ready = test.planner_log->all<page_ready>();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].listing == 2);
  CHECK(ready[0].seq == 7);
  const auto& records = ready[0].page.records;
  REQUIRE(records.size() == 2);
  CHECK(records[0] == R"({"payment_reference":"a","payout_date":"2024-01-02T00:00:00Z"})");
  CHECK(records.key(1, "payment_reference") == std::optional<std::string>("b"));
  CHECK(records.emitted_at_ms() > 0);
  // Payouts read incrementally continue from their latest payout_date.
  CHECK(ready[0].page.max_cursor == std::optional<std::string>("2024-01-03T00:00:00Z"));
  CHECK(ready[0].page.pagination.total == std::optional<std::int64_t>(2));
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
  CHECK(test.planner_log->messages.empty());
}
