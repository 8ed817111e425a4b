// The whole read pipeline (planner, fetcher, governor, parser, emitter and a sink) on
// the test coordinator's virtual clock, against a stand-in Klarna that answers after
// a fixed latency: what one failing page costs the read.

#include "actors/emitter.hpp"
#include "actors/fetcher.hpp"
#include "actors/rate_governor.hpp"
#include "actors/stream_planner.hpp"

#include "actors/deterministic_system.hpp"
#include "actors/fake_output.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;
using std::chrono::milliseconds;

namespace {

using deliver_atom = caf::atom_constant<caf::atom("deliver")>;

constexpr std::int64_t transactions = 3000;
constexpr int page_size = 10; // 334 pages: each repeats the previous page's last record
constexpr double budget = 200;
constexpr milliseconds latency{20};

/// One request as the stand-in server saw it.
struct served {
  caf::actor_clock::time_point at;
  std::int64_t offset = 0;
  bool fresh_connection = false;
  long status = 0;
};

/// Klarna's transactions listing; the first `failures` tries of the page at
/// `failing_offset` are answered 500.
struct stand_in_server {
  deterministic_system* runtime = nullptr;
  std::int64_t failing_offset = -1;
  int failures = 0;
  std::vector<served> log;
  std::map<std::int64_t, int> tries;

  http::http_response answer(const http::http_request& request) {
    auto number = [&](const char* key) {
      auto at = request.url.find(key);
      return static_cast<std::int64_t>(std::stoll(request.url.substr(at + std::string(key).size())));
    };
    auto offset = number("offset=");
    http::http_response response;
    response.id = request.id;
    response.elapsed_seconds = std::chrono::duration<double>(latency).count();
    bool fails = offset == failing_offset && tries[offset]++ < failures;
    response.status = fails ? 500 : 200;
    log.push_back({runtime->now(), offset, request.fresh_connection, response.status});
    if (fails) {
      response.body = R"({"error_code":"INTERNAL","error_messages":["injected"],"correlation_id":"c"})";
      return response;
    }
    auto end = std::min<std::int64_t>(transactions, offset + page_size);
    std::string records;
    for (auto n = offset; n < end; ++n)
      records += (n > offset ? "," : "") + std::string(R"({"capture_id":"c)") + std::to_string(n)
                 + R"(","amount":)" + std::to_string(n) + "}";
    std::string next = end < transactions ? R"(,"next":"https://api.test/settlements/v1/transactions?offset=)"
                                              + std::to_string(end) + "&size="
                                              + std::to_string(page_size) + "\""
                                          : "";
    response.body = R"({"transactions":[)" + records + R"(],"pagination":{"count":)"
                    + std::to_string(end - offset) + R"(,"total":)" + std::to_string(transactions)
                    + R"(,"offset":)" + std::to_string(offset) + next + "}}";
    return response;
  }
};

// Hands each answer to the fetcher `latency` after the request, on the virtual clock.
caf::behavior network(caf::event_based_actor* self, http::http_client::completion_handler done) {
  return {
    [=](http::http_response& response) {
      self->delayed_send(self, latency, deliver_atom::value, std::move(response));
    },
    [=](deliver_atom, http::http_response& response) { done(std::move(response)); },
  };
}

class stand_in_transport : public http::http_transport {
public:
  stand_in_transport(stand_in_server& server, caf::actor wire) : server_(server), wire_(std::move(wire)) {}
  void submit(http::http_request request) override {
    caf::anon_send(wire_, server_.answer(request));
  }

private:
  stand_in_server& server_;
  caf::actor wire_;
};

struct read_figures {
  milliseconds duration{};
  bool complete = false;
  std::uint64_t records = 0;
};

// Reads every transaction (full refresh) through the pipeline; `retry_credits` is
// the stream's allowance while a page is retried (48 pages otherwise).
read_figures read_all(stand_in_server& server, std::uint64_t retry_credits) {
  deterministic_system runtime;
  server.runtime = &runtime;
  auto& system = runtime.system();
  auto output_log = std::make_shared<testing::output_requests>();
  auto outcome_log = std::make_shared<recording>();
  const auto* stream = protocol::find_stream("transactions");

  actors::emitter_settings emitter_settings;
  emitter_settings.streams = {{stream, {}}};
  emitter_settings.checkpoint_interval = std::chrono::hours(1);
  auto output = testing::spawn_fake_output(system, output_log);
  auto emitter = runtime.stop_at_end(actors::spawn_emitter(
    system, emitter_settings, output, output, runtime.recorder(outcome_log)));

  logic::rate_window::settings budget_settings;
  budget_settings.requests_per_second = budget;
  budget_settings.window = std::chrono::seconds(60);
  auto governor = runtime.stop_at_end(actors::spawn_rate_governor(system, budget_settings, 1, emitter, output));

  actors::fetch_settings fetch;
  fetch.requests_per_second = budget;
  fetch.retry.max_attempts = 8;
  fetch.retry.page_deadline = std::chrono::seconds(900);
  fetch.retry.max_retry_wait = std::chrono::seconds(600);
  auto fetcher = runtime.stop_at_end(actors::spawn_fetcher(
    system, fetch, governor, output,
    [&](http::http_client::completion_handler done) {
      return std::make_unique<stand_in_transport>(
        server, runtime.stop_at_end(system.spawn(network, std::move(done))));
    }));

  actors::planner_settings planner;
  planner.definition = stream;
  planner.api_base_url = "https://api.test/";
  planner.page_size = page_size;
  planner.credits = 48;
  planner.held_bytes_limit = 16 << 20;
  planner.retry_credits = retry_credits;
  planner.retry_held_bytes_limit = 64 << 20;
  auto planner_actor = runtime.stop_at_end(actors::spawn_stream_planner(system, planner, fetcher, emitter, output));

  auto started = runtime.now();
  caf::anon_send(planner_actor, start_atom::value);
  read_figures figures;
  for (;;) {
    runtime.run();
    if (outcome_log->count<sync_outcome>() > 0)
      break;
    REQUIRE(runtime.fire_next_timeout()); // nothing pending and no outcome: a stall
  }
  auto outcome = outcome_log->all<sync_outcome>().front();
  figures.duration = std::chrono::duration_cast<milliseconds>(runtime.now() - started);
  figures.complete = outcome.all_complete;
  figures.records = outcome.streams.at(0).records;
  return figures;
}

// A server whose page 100 (of 334) fails its first `failures` tries.
stand_in_server failing_page_100(int failures) {
  stand_in_server server;
  server.failing_offset = 9 * 100;
  server.failures = failures;
  return server;
}

// Every try of the failing page, in the order they came; all but the last failed.
std::vector<served> tries_of_failing_page(const stand_in_server& server) {
  std::vector<served> tries;
  for (const auto& request : server.log)
    if (request.offset == server.failing_offset)
      tries.push_back(request);
  REQUIRE(tries.size() == static_cast<std::size_t>(server.failures) + 1);
  return tries;
}

// How much later than in a healthy read the failing page arrived: from its first
// try to the try that succeeded (a healthy page is answered after one latency too).
milliseconds own_retry_time(const stand_in_server& server) {
  auto tries = tries_of_failing_page(server);
  return std::chrono::duration_cast<milliseconds>(tries.back().at - tries.front().at);
}

// One page at the budget: a grant (1/budget) and its answer.
const milliseconds one_page = latency + milliseconds(static_cast<long>(1000 / budget));

} // namespace

TEST_CASE("one page failing twice delays the read by no more than its retries plus one page",
          "[faults]") {
  stand_in_server healthy;
  auto reference = read_all(healthy, 148);
  REQUIRE(reference.complete);
  CHECK(reference.records == transactions);

  auto faulty = failing_page_100(2);
  auto faulted = read_all(faulty, 148);
  REQUIRE(faulted.complete);
  CHECK(faulted.records == transactions);
  auto retries = own_retry_time(faulty);
  auto delay = faulted.duration - reference.duration;
  INFO("healthy " << reference.duration.count() << " ms, with the fault "
                  << faulted.duration.count() << " ms, the page's own retries "
                  << retries.count() << " ms");
  CHECK(delay <= retries + one_page);
  // Its retries (two answers, 20-60 ms, then 80-240 ms) fit in the half second the
  // allowance rides out, so the rest of the read does not wait for them at all.
  CHECK(retries < milliseconds(500));
  CHECK(delay <= one_page);

  // Both retries went out on a connection of their own, ahead of new pages: each
  // was the first request sent once its back-off was over.
  auto of_page = tries_of_failing_page(faulty);
  CHECK_FALSE(of_page[0].fresh_connection);
  CHECK(of_page[1].fresh_connection);
  CHECK(of_page[2].fresh_connection);
}

TEST_CASE("without the retry allowance the same fault stalls the read for most of its retries",
          "[faults]") {
  // The contrast that shows what the allowance buys: with 48 credits and no more,
  // fetching stops a quarter of a second after the failure (48 pages at 200/s).
  stand_in_server healthy;
  auto reference = read_all(healthy, 48);
  auto faulty = failing_page_100(3); // a third retry waits 0.32-0.96 s
  auto faulted = read_all(faulty, 48);
  REQUIRE(faulted.complete);
  auto retries = own_retry_time(faulty);
  auto delay = faulted.duration - reference.duration;
  INFO("healthy " << reference.duration.count() << " ms, with the fault "
                  << faulted.duration.count() << " ms, the page's own retries "
                  << retries.count() << " ms");
  CHECK(delay <= retries + one_page);
  CHECK(delay >= retries - milliseconds(48 * 1000 / static_cast<long>(budget)) - one_page);

  auto riding = failing_page_100(3);
  auto ridden = read_all(riding, 148);
  auto ridden_retries = own_retry_time(riding);
  auto ridden_delay = ridden.duration - reference.duration;
  INFO("with the allowance: " << ridden.duration.count() << " ms, retries "
                              << ridden_retries.count() << " ms");
  // 100 more pages ride out half a second of it.
  CHECK(ridden_delay <= std::max(milliseconds(0), ridden_retries - milliseconds(500)) + one_page);
}
