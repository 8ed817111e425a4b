#include "actors/rate_governor.hpp"

#include "actors/deterministic_system.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

struct governor_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> fetcher_log = std::make_shared<recording>();
  std::shared_ptr<recording> emitter_log = std::make_shared<recording>();
  std::shared_ptr<recording> reporter_log = std::make_shared<recording>();
  governor_actor governor;
  /// The tickets of the permits asked for, in the order they were granted.
  std::vector<std::uint64_t> granted;

  explicit governor_under_test(double requests_per_second) {
    logic::rate_window::settings budget;
    budget.requests_per_second = requests_per_second;
    budget.window = std::chrono::seconds(60);
    auto& system = runtime.system();
    governor = runtime.stop_at_end(actors::spawn_rate_governor(
      system, budget, 2, caf::actor_cast<emitter_actor>(runtime.recorder(emitter_log)),
      caf::actor_cast<messages::reporter_actor>(runtime.recorder(reporter_log))));
    runtime.recorder(fetcher_log);
  }

  // The recorder standing for the fetcher asks for permit `ticket`.
  void ask(std::uint64_t ticket, std::size_t stream, bool retry = false) {
    fetcher_log->ask<permit_granted>(governor, permit_request{stream, retry},
                                     [this, ticket](permit_granted&) { granted.push_back(ticket); });
    runtime.run();
  }
};

} // namespace

TEST_CASE("the governor grants a request at once while the budget has room", "[governor]") {
  governor_under_test test(1000);
  test.ask(1, 0);
  test.ask(2, 1);
  CHECK(test.granted == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("a 429 pauses every request and tells the emitter until when", "[governor]") {
  governor_under_test test(1000);
  test.ask(1, 0);
  auto before_ms = protocol::now_epoch_ms();
  caf::anon_send(test.governor, throttled{30});
  test.runtime.run();
  test.ask(2, 0);
  test.ask(3, 1);
  CHECK(test.granted == std::vector<std::uint64_t>{1}); // paused for 30 s of the clock
  auto notices = test.emitter_log->all<rate_limited>();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].resume_at_ms >= before_ms + 30'000);
  CHECK(notices[0].resume_at_ms < before_ms + 31'000);
}

TEST_CASE("an announced quota is logged once, and only when it changes", "[governor]") {
  governor_under_test test(200);
  caf::anon_send(test.governor, announced_limit{{40, 1}});
  caf::anon_send(test.governor, announced_limit{{40, 1}});
  test.runtime.run();
  auto logs = test.reporter_log->all<log_entry>();
  REQUIRE(logs.size() == 1);
  CHECK_THAT(logs[0].message, Catch::Contains("quota of 40 requests per 1 s")
                                && Catch::Contains("tighter than the configured"));
}

TEST_CASE("the governor's figures count grants, waiting requests and 429 reports",
          "[governor]") {
  governor_under_test test(1000);
  test.ask(1, 0);
  caf::anon_send(test.governor, throttled{30});
  test.runtime.run();
  test.ask(2, 1);
  caf::scoped_actor self{test.runtime.system()};
  auto answer = self->request(test.governor, caf::infinite, figures_atom::value);
  test.runtime.run();
  answer.receive(
    [](const protocol::budget_figures& figures) {
      CHECK(figures.grants == 1);
      CHECK(figures.waiting == 1);
      CHECK(figures.throttled_reports == 1);
      CHECK(figures.budget_rate == 1000);
    },
    [](const caf::error&) { FAIL("the governor did not answer"); });
}

TEST_CASE("a retry waiting for the budget is granted before the new requests that wait",
          "[governor]") {
  governor_under_test test(1000);
  caf::anon_send(test.governor, throttled{30}); // everything waits from here on
  test.runtime.run();
  test.ask(1, 0);
  test.ask(2, 1);
  test.ask(3, 0, true);
  CHECK(test.granted.empty());
  // The pause is over once the clock passes it; then the retry goes first.
  while (test.granted.size() < 3 && test.runtime.fire_next_timeout())
    test.runtime.run();
  CHECK(test.granted == std::vector<std::uint64_t>{3, 1, 2});
}
