// The progress ticker on the test coordinator: recorders stand for the emitter, the
// governor and the fetcher (the test answers their figures requests) and the
// reporter.

#include "actors/progress_ticker.hpp"

#include "actors/deterministic_system.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

struct ticker_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> emitter_log = std::make_shared<recording>();
  std::shared_ptr<recording> governor_log = std::make_shared<recording>();
  std::shared_ptr<recording> fetcher_log = std::make_shared<recording>();
  std::shared_ptr<recording> reporter_log = std::make_shared<recording>();

  ticker_under_test() {
    runtime.stop_at_end(actors::spawn_progress_ticker(
      runtime.system(), std::chrono::seconds(1),
      caf::actor_cast<emitter_actor>(runtime.recorder(emitter_log)),
      caf::actor_cast<governor_actor>(runtime.recorder(governor_log)),
      caf::actor_cast<fetcher_actor>(runtime.recorder(fetcher_log)),
      caf::actor_cast<reporter_actor>(runtime.recorder(reporter_log))));
    runtime.run();
  }

  void tick() {
    REQUIRE(runtime.fire_next_timeout());
    runtime.run();
  }

  // Each of the three answers what it was asked.
  void answer_figures() {
    protocol::stream_figures payouts;
    payouts.records = 120;
    emitter_log->answer<caf::atom_value>(
      [payouts](caf::atom_value) { return stream_progress{{payouts}}; });
    runtime.run();
    protocol::budget_figures budget;
    budget.grants = 7;
    governor_log->answer<caf::atom_value>([budget](caf::atom_value) { return budget; });
    runtime.run();
    protocol::fetch_figures fetch;
    fetch.requests = 8;
    fetcher_log->answer<caf::atom_value>([fetch](caf::atom_value) { return fetch; });
    runtime.run();
  }
};

} // namespace

TEST_CASE("every interval the ticker reports the emitter's, governor's and fetcher's "
          "figures together",
          "[progress_ticker]") {
  ticker_under_test test;
  CHECK(test.emitter_log->messages.empty()); // nothing before the first interval
  test.tick();
  REQUIRE(test.emitter_log->count<caf::atom_value>() == 1);
  test.answer_figures();
  auto reports = test.reporter_log->all<protocol::progress_figures>();
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].streams.size() == 1);
  CHECK(reports[0].streams[0].records == 120);
  CHECK(reports[0].budget.grants == 7);
  CHECK(reports[0].fetch.requests == 8);
  CHECK(reports[0].elapsed_seconds == Approx(1));
}

TEST_CASE("an answer that does not come costs one report, not the ticker",
          "[progress_ticker]") {
  ticker_under_test test;
  test.tick(); // asks the emitter, which does not answer
  while (test.reporter_log->count<log_entry>() == 0)
    test.tick();
  auto warnings = test.reporter_log->all<log_entry>();
  CHECK_THAT(warnings[0].message, Catch::Contains("no progress report this time"));
  CHECK(test.reporter_log->count<protocol::progress_figures>() == 0);
  // The next interval asks again, and answered, it is reported.
  auto asked = test.emitter_log->count<caf::atom_value>();
  while (test.emitter_log->count<caf::atom_value>() == asked)
    test.tick();
  test.answer_figures();
  CHECK(test.reporter_log->count<protocol::progress_figures>() == 1);
}
