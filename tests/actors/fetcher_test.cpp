// The fetcher with its parser on the test coordinator: recorders stand for the
// governor, the planner and the reporter (the test has them answer requests), and a
// scripted transport lets the test see every request and answer it, on the virtual
// clock.

#include "actors/fetcher.hpp"

#include "actors/deterministic_system.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

// A page of payouts holding `reference`'s payout.
std::string page_of(const std::string& reference) {
  return R"({"payouts":[{"payment_reference":")" + reference
         + R"(","payout_date":"2024-01-02T00:00:00Z"}],"pagination":{"count":1,"total":1}})";
}

// Keeps every request; the test answers through the fetcher's completion handler.
class scripted_transport : public http::http_transport {
public:
  explicit scripted_transport(std::shared_ptr<std::vector<http::http_request>> sent)
    : sent_(std::move(sent)) {}
  void submit(http::http_request request) override { sent_->push_back(std::move(request)); }

private:
  std::shared_ptr<std::vector<http::http_request>> sent_;
};

struct fetcher_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> governor_log = std::make_shared<recording>();
  std::shared_ptr<recording> planner_log = std::make_shared<recording>();
  std::shared_ptr<recording> reporter_log = std::make_shared<recording>();
  std::shared_ptr<std::vector<http::http_request>> sent =
    std::make_shared<std::vector<http::http_request>>();
  http::http_client::completion_handler answer_to;
  fetcher_actor fetcher;

  fetcher_under_test() {
    auto& system = runtime.system();
    actors::fetch_settings settings;
    settings.requests_per_second = 100;
    settings.retry.max_attempts = 3;
    settings.retry.page_deadline = std::chrono::minutes(15);
    settings.retry.max_retry_wait = std::chrono::minutes(10);
    auto transport = [this](http::http_client::completion_handler done) {
      answer_to = std::move(done);
      return std::make_unique<scripted_transport>(sent);
    };
    fetcher = runtime.stop_at_end(actors::spawn_fetcher(
      system, settings, caf::actor_cast<governor_actor>(runtime.recorder(governor_log)),
      caf::actor_cast<reporter_actor>(runtime.recorder(reporter_log)), transport));
    runtime.recorder(planner_log);
  }

  static fetch_page page(std::uint64_t seq) {
    fetch_page page;
    page.seq = seq;
    page.url = "https://api.test/settlements/v1/payouts?offset=" + std::to_string(seq * 10);
    page.definition = protocol::find_stream("payouts");
    page.max_records = 10;
    return page;
  }

  // The recorder standing for the planner asks for `page`; the answer lands in its log.
  void fetch(fetch_page page) {
    planner_log->ask<fetch_result>(fetcher, std::move(page));
    runtime.run();
  }

  void fetch(std::uint64_t seq) { fetch(page(seq)); }

  // Grants every permit asked for since the last call.
  void grant_permits() {
    governor_log->answer<permit_request>([](const permit_request&) { return permit_granted{}; });
    runtime.run();
  }

  std::vector<fetch_result> answers() const { return planner_log->all<fetch_result>(); }

  void answer(std::size_t request, long status, std::string body = {},
              std::optional<http::retry_after> retry_after = std::nullopt) {
    http::http_response response;
    response.id = sent->at(request).id;
    response.status = status;
    response.body = std::move(body);
    response.retry_after = std::move(retry_after);
    response.elapsed_seconds = 0.05;
    answer_to(std::move(response));
    runtime.run();
  }
};

} // namespace

TEST_CASE("a page goes out only with a permit, and its parser's answer is the page's",
          "[fetcher]") {
  fetcher_under_test test;
  test.fetch(0);
  REQUIRE(test.governor_log->count<permit_request>() == 1);
  CHECK_FALSE(test.governor_log->all<permit_request>()[0].retry);
  CHECK(test.sent->empty()); // no request before its permit
  test.grant_permits();
  REQUIRE(test.sent->size() == 1);
  CHECK(test.sent->at(0).url == "https://api.test/settlements/v1/payouts?offset=0");
  CHECK_FALSE(test.sent->at(0).fresh_connection);
  test.answer(0, 200, page_of("KP1"));
  auto answers = test.answers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].page.seq == 0);
  CHECK_FALSE(answers[0].failure);
  REQUIRE(answers[0].parsed);
  REQUIRE(answers[0].parsed->records.size() == 1);
  CHECK(answers[0].parsed->records.key(0, "payment_reference") == std::optional<std::string>("KP1"));
}

TEST_CASE("a 503 is retried after a pause, first among permits, on a fresh connection",
          "[fetcher]") {
  fetcher_under_test test;
  test.fetch(0);
  test.grant_permits();
  test.answer(0, 503, R"({"error_code":"UNAVAILABLE","error_messages":["down"]})");
  // The planner hears that its page is retried, the reporter why.
  REQUIRE(test.planner_log->count<page_retrying>() == 1);
  CHECK(test.reporter_log->count<log_entry>() == 1);
  CHECK(test.governor_log->count<permit_request>() == 1); // not yet: it waits first
  REQUIRE(test.runtime.fire_next_timeout());
  test.runtime.run();
  auto asked = test.governor_log->all<permit_request>();
  REQUIRE(asked.size() == 2);
  CHECK(asked[1].retry); // the governor serves it before new pages
  test.grant_permits();
  REQUIRE(test.sent->size() == 2);
  CHECK(test.sent->at(1).url == test.sent->at(0).url);
  CHECK(test.sent->at(1).fresh_connection);
  test.answer(1, 200, page_of("KP1"));
  auto answers = test.answers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].parsed);
  CHECK(answers[0].page.failed_attempts == 1);
}

TEST_CASE("a page still failing after max_attempts fails, and a 404 at once", "[fetcher]") {
  fetcher_under_test test;
  test.fetch(0);
  for (std::size_t attempt = 0; attempt < 3; ++attempt) {
    test.grant_permits();
    test.answer(attempt, 500, R"({"error_code":"INTERNAL"})");
    if (attempt < 2) {
      REQUIRE(test.runtime.fire_next_timeout());
      test.runtime.run();
    }
  }
  auto failed = test.answers();
  REQUIRE(failed.size() == 1);
  REQUIRE(failed[0].failure);
  CHECK_THAT(failed[0].failure->message, Catch::Contains("500"));

  test.fetch(1);
  test.grant_permits();
  test.answer(3, 404, R"({"error_code":"NOT_FOUND"})");
  failed = test.answers();
  REQUIRE(failed.size() == 2);
  CHECK(failed[1].page.seq == 1);
  CHECK(failed[1].failure);
  CHECK(test.planner_log->count<page_retrying>() == 2); // the 500s only
}

TEST_CASE("a 429 pauses every request through the governor and tries the page again",
          "[fetcher]") {
  fetcher_under_test test;
  test.fetch(0);
  test.grant_permits();
  test.answer(0, 429, R"({"error_code":"TOO_MANY_REQUESTS"})", http::retry_after{2, "2"});
  auto throttles = test.governor_log->all<throttled>();
  REQUIRE(throttles.size() == 1);
  CHECK(throttles[0].pause_seconds == Approx(2).margin(1));
  auto asked = test.governor_log->all<permit_request>();
  REQUIRE(asked.size() == 2);
  CHECK(asked[1].retry);
  CHECK(test.answers().empty());
}

TEST_CASE("a body the parser refuses is tried again like a server error", "[fetcher]") {
  fetcher_under_test test;
  test.fetch(0);
  test.grant_permits();
  test.answer(0, 200, "{\"payouts\":[");
  CHECK(test.planner_log->count<page_retrying>() == 1); // the parser handed it back
  CHECK(test.answers().empty());
  auto warnings = test.reporter_log->all<log_entry>();
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message, Catch::Contains("not a valid collection"));
  REQUIRE(test.runtime.fire_next_timeout());
  test.runtime.run();
  test.grant_permits();
  REQUIRE(test.sent->size() == 2);
  CHECK(test.sent->at(1).fresh_connection);
}

TEST_CASE("a file's 200 body is the answer as it came, and a file its requester refuses "
          "is tried again",
          "[fetcher]") {
  fetcher_under_test test;
  auto file = fetcher_under_test::page(0);
  file.raw_body = true;
  file.label = "the CSV report of payout P1";
  test.fetch(file);
  test.grant_permits();
  test.answer(0, 200, "not,the,report");
  // A file is not parsed: its body is the answer as it came.
  auto answers = test.answers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].body == "not,the,report");
  test.planner_log->ask<fetch_result>(test.fetcher,
                                      unusable_page{answers[0].page, "the header is wrong"});
  test.runtime.run();
  CHECK(test.planner_log->count<page_retrying>() == 1);
  auto warnings = test.reporter_log->all<log_entry>();
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message, Catch::Contains("the CSV report of payout P1")
                                    && Catch::Contains("the header is wrong"));
  REQUIRE(test.runtime.fire_next_timeout());
  test.runtime.run();
  test.grant_permits();
  REQUIRE(test.sent->size() == 2);
  CHECK(test.sent->at(1).fresh_connection);
  test.answer(1, 200, "the,report");
  answers = test.answers();
  REQUIRE(answers.size() == 2);
  CHECK(answers[1].body == "the,report");
  CHECK(answers[1].page.failed_attempts == 1);
}
