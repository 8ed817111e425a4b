#include "actors/emitter.hpp"

#include "actors/deterministic_system.hpp"
#include "actors/fake_output.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <numeric>
#include <random>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;
using klarna::testing::output_requests;

namespace {

// An emitter for payouts (stream 0) and transactions (stream 1), with a recorder
// standing for the planners and one for whoever waits for the outcome.
struct emitter_under_test {
  deterministic_system runtime;
  /// What the sink was asked and what was reported, in order (one actor, as Airbyte's
  /// output is).
  std::shared_ptr<output_requests> sink = std::make_shared<output_requests>();
  std::shared_ptr<recording> planner_log = std::make_shared<recording>();
  std::shared_ptr<recording> outcome_log = std::make_shared<recording>();
  emitter_actor emitter;

  explicit emitter_under_test(std::uint64_t checkpoint_records = 10000) {
    auto& system = runtime.system();
    actors::emitter_settings settings;
    settings.checkpoint_records = checkpoint_records;
    settings.streams = {{protocol::find_stream("payouts"), {}},
                        {protocol::find_stream("transactions"), {}}};
    auto output = testing::spawn_fake_output(system, sink);
    emitter = runtime.stop_at_end(actors::spawn_emitter(
      system, std::move(settings), output, output, runtime.recorder(outcome_log)));
    runtime.recorder(planner_log);
    runtime.run();
  }

  // Page `seq` of 2 records, p<seq>a and p<seq>b; the listing then stands at record
  // 2 * (seq + 1).
  void send_page(std::size_t stream, std::uint64_t seq, std::uint64_t pages_known) {
    logic::listing_step step{static_cast<std::int64_t>(2 * (seq + 1)), 100, std::nullopt,
                             std::nullopt};
    logic::ledger_page page{seq, {}, step};
    for (const char* record : {"a", "b"})
      page.records.append("p" + std::to_string(seq) + record);
    // A planner's request: its answer, the page's credit, lands in the planner's log.
    planner_log->ask<page_credit>(emitter, page_records{stream, std::move(page), pages_known});
    runtime.run();
  }

  std::optional<sync_outcome> outcome() const {
    auto outcomes = outcome_log->all<sync_outcome>();
    if (outcomes.empty())
      return std::nullopt;
    return outcomes.front();
  }
};

} // namespace

TEST_CASE("the emitter opens every stream at the sink first and reports how it is read", "[emitter]") {
  emitter_under_test test;
  REQUIRE(test.sink->lines.size() >= 4);
  CHECK(test.sink->lines[0] == "open payouts");
  CHECK(test.sink->lines[1] == "status payouts STARTED full refresh");
  CHECK(test.sink->lines[2] == "open transactions");
  CHECK(test.sink->lines[3] == "status transactions STARTED full refresh");
}

TEST_CASE("pages arriving shuffled are written in page order, each write returns a credit",
          "[emitter]") {
  for (unsigned seed = 0; seed < 5; ++seed) {
    emitter_under_test test;
    std::vector<std::uint64_t> order(8);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    for (auto seq : order) {
      test.send_page(1, seq, 8);
      test.runtime.run();
    }
    caf::anon_send(test.emitter, stream_finished{1, 8});
    test.runtime.run();

    auto writes = test.sink->starting_with("write transactions");
    REQUIRE(writes.size() == 8);
    for (std::uint64_t seq = 0; seq < 8; ++seq) {
      auto page = "p" + std::to_string(seq);
      CHECK(writes[seq] == "write transactions " + page + "a," + page + "b");
    }
    auto credits = test.planner_log->all<page_credit>();
    REQUIRE(credits.size() == 8);
    for (const auto& credit : credits) { // a page and its bytes, for the byte bound
      CHECK(credit.pages == 1);
      CHECK(credit.bytes == std::string("p0ap0b").size());
    }
    // RUNNING before the first write; the checkpoint and a complete close after the last.
    auto& lines = test.sink->lines;
    auto running = std::find(lines.begin(), lines.end(), "status transactions RUNNING");
    auto first_write = std::find(lines.begin(), lines.end(), writes.front());
    auto checkpoint = std::find(lines.begin(), lines.end(),
                                R"(checkpoint transactions 16 final {"__ab_full_refresh_sync_complete":true})");
    auto close = std::find(lines.begin(), lines.end(), "close transactions complete");
    REQUIRE(running != lines.end());
    REQUIRE(checkpoint != lines.end());
    REQUIRE(close != lines.end());
    CHECK(running < first_write);
    CHECK(std::find(lines.begin(), lines.end(), writes.back()) < checkpoint);
    CHECK(checkpoint < close);
    CHECK_FALSE(test.outcome()); // payouts has not ended
  }
}

TEST_CASE("checkpoints come between writes, for what was written, in order", "[emitter]") {
  emitter_under_test test(3); // a checkpoint after at least 3 records: every second page
  for (std::uint64_t seq : {1, 0, 3, 2, 4}) {
    test.send_page(1, seq, 5);
    test.runtime.run();
  }
  caf::anon_send(test.emitter, stream_finished{1, 5});
  test.runtime.run();
  std::vector<std::string> sequence;
  for (const auto& line : test.sink->lines)
    if (line.rfind("write transactions", 0) == 0 || line.rfind("checkpoint transactions", 0) == 0)
      sequence.push_back(line);
  CHECK(sequence
        == std::vector<std::string>{
          "write transactions p0a,p0b",
          "write transactions p1a,p1b",
          R"(checkpoint transactions 4 {"listing":{"offset":4,"total":100}})",
          "write transactions p2a,p2b",
          "write transactions p3a,p3b",
          R"(checkpoint transactions 4 {"listing":{"offset":8,"total":100}})",
          "write transactions p4a,p4b",
          R"(checkpoint transactions 2 final {"__ab_full_refresh_sync_complete":true})"});
}

TEST_CASE("a restarted stream is voided at the sink before its records come again", "[emitter]") {
  emitter_under_test test;
  caf::anon_send(test.emitter, stream_restarted{1});
  test.send_page(1, 0, 1);
  test.runtime.run();
  auto& lines = test.sink->lines;
  auto restart = std::find(lines.begin(), lines.end(), "restart transactions");
  REQUIRE(restart != lines.end());
  CHECK(restart < std::find(lines.begin(), lines.end(), "write transactions p0a,p0b"));
}

TEST_CASE("the outcome comes once every stream ended, complete or not", "[emitter]") {
  emitter_under_test test;
  test.send_page(0, 0, 1);
  caf::anon_send(test.emitter, stream_finished{0, 1});
  caf::anon_send(test.emitter,
                 stream_failed{1, {config::failure_type::config_error, "HTTP 401 for transactions",
                                   "401"}});
  test.runtime.run();
  auto outcome = test.outcome();
  REQUIRE(outcome);
  CHECK_FALSE(outcome->all_complete);
  REQUIRE(outcome->streams.size() == 2);
  CHECK(outcome->streams[0].complete);
  CHECK(outcome->streams[0].records == 2);
  CHECK_FALSE(outcome->streams[1].complete);
  CHECK(test.sink->starting_with("error transactions HTTP 401").size() == 1);
  CHECK(test.sink->starting_with("close transactions incomplete").size() == 1);
  CHECK(test.sink->starting_with("checkpoint transactions").empty()); // no STATE for it
  CHECK(test.outcome_log->count<sync_outcome>() == 1);
}

TEST_CASE("a failed stream drops the pages it held and writes nothing more", "[emitter]") {
  emitter_under_test test;
  test.send_page(1, 1, 3); // held: page 0 has not arrived
  caf::anon_send(test.emitter, stream_failed{1, {config::failure_type::transient_error,
                                                 "gave up", ""}});
  test.send_page(1, 0, 3);
  test.runtime.run();
  CHECK(test.sink->starting_with("write transactions").empty());
  CHECK(test.planner_log->count<page_credit>() == 0);
}

TEST_CASE("an interrupt ends every unfinished stream INCOMPLETE, saying which signal",
          "[emitter]") {
  emitter_under_test test;
  test.send_page(0, 0, 1);
  caf::anon_send(test.emitter, stream_finished{0, 1}); // payouts completes first
  test.send_page(1, 0, 5);
  caf::anon_send(test.emitter, interrupted{SIGTERM});
  test.runtime.run();
  auto outcome = test.outcome();
  REQUIRE(outcome);
  CHECK(outcome->interrupted_by == SIGTERM);
  CHECK(test.sink->starting_with("close payouts complete").size() == 1);
  auto errors = test.sink->starting_with("error transactions");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("stopped by SIGTERM")
                          && Catch::Contains("2 records were emitted"));
  CHECK(test.sink->starting_with("close transactions incomplete").size() == 1);
}

TEST_CASE("a write the sink refuses is never credited and ends the sync", "[emitter]") {
  emitter_under_test test;
  test.sink->fail_writes = true;
  test.send_page(1, 0, 2);
  test.runtime.run();
  CHECK(test.sink->starting_with("refused transactions").size() == 1);
  CHECK(test.planner_log->count<page_credit>() == 0);
  auto outcome = test.outcome();
  REQUIRE(outcome);
  CHECK_FALSE(outcome->all_complete);
  // Nothing is asked of a sink whose output failed.
  auto asked = test.sink->lines.size();
  test.send_page(1, 1, 2);
  test.runtime.run();
  CHECK(test.sink->lines.size() == asked);
}

TEST_CASE("one RATE_LIMITED status per pause reaches each running stream", "[emitter]") {
  emitter_under_test test;
  caf::anon_send(test.emitter, rate_limited{1'000'000});
  caf::anon_send(test.emitter, rate_limited{1'000'200}); // the same pause, seen by another 429
  test.runtime.run();
  CHECK(test.sink->starting_with("status payouts RUNNING rate-limited").size() == 1);
  CHECK(test.sink->starting_with("status transactions RUNNING rate-limited").size() == 1);
}

TEST_CASE("an actor of the pipeline that stopped ends every unfinished stream", "[emitter]") {
  emitter_under_test test;
  test.send_page(0, 0, 1);
  caf::anon_send(test.emitter, stream_finished{0, 1});
  test.runtime.run(); // payouts complete first
  // The read pipeline, the supervisor, saw the fetcher stop.
  caf::anon_send(test.emitter, actor_stopped{"the fetcher", "boom"});
  test.runtime.run();
  auto outcome = test.outcome();
  REQUIRE(outcome);
  CHECK_FALSE(outcome->all_complete);
  auto errors = test.sink->starting_with("error transactions");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("the fetcher actor stopped") && Catch::Contains("boom"));
  CHECK(test.sink->starting_with("error payouts").empty()); // it had completed
  CHECK(test.sink->starting_with("close transactions incomplete").size() == 1);
}

TEST_CASE("the emitter answers figures_atom with where each stream stands", "[emitter]") {
  emitter_under_test test;
  test.send_page(1, 0, 2);
  test.outcome_log->ask<stream_progress>(test.emitter, figures_atom::value);
  test.runtime.run();
  auto answers = test.outcome_log->all<stream_progress>();
  REQUIRE(answers.size() == 1);
  REQUIRE(answers[0].streams.size() == 2);
  CHECK(answers[0].streams[0].records == 0);
  CHECK(answers[0].streams[1].records == 2);
  CHECK_FALSE(answers[0].streams[1].complete);
}
