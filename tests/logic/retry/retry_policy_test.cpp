#include "logic/retry/retry_policy.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace klarna::logic;
using klarna::config::failure_type;
using klarna::http::retry_after;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

retry_settings settings() {
  retry_settings limits;
  limits.max_attempts = 5;
  limits.page_deadline = seconds(900);
  limits.max_retry_wait = seconds(600);
  return limits;
}

const auto start = retry_policy::clock::time_point{} + std::chrono::hours(1);

failed_try server_error(int failed_attempts) {
  failed_try attempt;
  attempt.page = "payouts page 3";
  attempt.failed_attempts = failed_attempts;
  attempt.first_try = start;
  attempt.reason = "HTTP 503";
  attempt.status = 503;
  return attempt;
}

} // namespace

TEST_CASE("a retryable failure is retried with jittered back-off until max_attempts",
          "[retry]") {
  retry_policy policy(settings(), 7);
  for (int attempt = 1; attempt < 5; ++attempt) {
    auto verdict = policy.after_failure(server_error(attempt), start);
    REQUIRE(verdict.retry_in);
    // A 503: 0.25 s x 2^(attempt-1), and up to half of that more.
    auto base = milliseconds(250L << (attempt - 1));
    CHECK(*verdict.retry_in >= base);
    CHECK(*verdict.retry_in <= base * 3 / 2);
    CHECK_THAT(verdict.warning, Catch::Contains("retrying payouts page 3")
                                  && Catch::Contains("attempt " + std::to_string(attempt + 1) + " of 5"));
  }
  auto last = policy.after_failure(server_error(5), start);
  CHECK_FALSE(last.retry_in);
  CHECK(last.failure.failure == failure_type::transient_error);
  CHECK_THAT(last.failure.message, Catch::Contains("gave up after 5 attempts"));
  CHECK(last.failure.internal_message == "HTTP 503");
}

TEST_CASE("a broken answer is retried within 60 ms, then four times later each time",
          "[retry]") {
  retry_policy policy(settings(), 3);
  for (long status : {0L, 500L, 502L, 504L, 408L, 200L}) {
    CAPTURE(status);
    // The first retry: 40 ms, jittered by half either way.
    std::set<long> firsts;
    for (int i = 0; i < 200; ++i) {
      auto wait = policy.retry_delay(status, 1);
      CHECK(wait >= milliseconds(20));
      CHECK(wait <= milliseconds(60));
      firsts.insert(wait.count());
    }
    CHECK(firsts.size() > 20); // spread, not one value
    for (int attempt = 2; attempt <= 5; ++attempt) {
      auto base = 40.0 * std::pow(4.0, attempt - 1);
      auto wait = policy.retry_delay(status, attempt).count();
      CHECK(wait >= base / 2 - 1);
      CHECK(wait <= base * 3 / 2 + 1);
    }
  }
}

TEST_CASE("no back-off the connector chooses exceeds 30 s, and it is spread", "[retry]") {
  retry_policy policy(settings(), 11);
  for (long status : {0L, 503L})
    for (int attempt : {9, 20})
      CHECK(policy.retry_delay(status, attempt) == milliseconds(30'000));
  // Where the cap does not bind, the waits spread over the jitter's range.
  milliseconds longest{0}, shortest{30'000};
  for (int i = 0; i < 2000; ++i) {
    auto wait = policy.retry_delay(0, 5); // 10.24 s, jittered by half either way
    longest = std::max(longest, wait);
    shortest = std::min(shortest, wait);
  }
  CHECK(shortest < milliseconds(6'000));
  CHECK(longest > milliseconds(14'000));
}

TEST_CASE("a Retry-After is believed, and one beyond max_retry_wait fails quoting it",
          "[retry]") {
  retry_policy policy(settings(), 1);
  auto attempt = server_error(1);
  attempt.asked = retry_after{12, "12"};
  auto verdict = policy.after_failure(attempt, start);
  REQUIRE(verdict.retry_in);
  // Never sooner than asked, at most 1 s later (jitter).
  CHECK(*verdict.retry_in >= milliseconds(12'000));
  CHECK(*verdict.retry_in <= milliseconds(13'000));
  CHECK_THAT(verdict.warning, Catch::Contains("Retry-After: 12"));

  attempt.asked = retry_after{3600, "3600"};
  verdict = policy.after_failure(attempt, start);
  CHECK_FALSE(verdict.retry_in);
  CHECK(verdict.failure.failure == failure_type::transient_error);
  CHECK_THAT(verdict.failure.message, Catch::Contains("Retry-After: 3600")
                                        && Catch::Contains("max_retry_wait_seconds (600 s)"));
}

TEST_CASE("no retry starts past the page's deadline", "[retry]") {
  retry_policy policy(settings(), 1);
  auto attempt = server_error(1);
  attempt.asked = retry_after{60, "60"};
  // 850 s after the first try, a 60 s wait would end past the 900 s deadline.
  auto verdict = policy.after_failure(attempt, start + seconds(850));
  CHECK_FALSE(verdict.retry_in);
  CHECK_THAT(verdict.failure.message, Catch::Contains("past the page's deadline of 900 s"));
}

TEST_CASE("answers a retry cannot change fail at once, classified by status", "[retry]") {
  retry_policy policy(settings(), 1);
  auto attempt = server_error(1);
  attempt.retryable = false;
  attempt.status = 401;
  attempt.reason = "HTTP 401";
  auto verdict = policy.after_failure(attempt, start);
  CHECK_FALSE(verdict.retry_in);
  CHECK(verdict.failure.failure == failure_type::config_error);
  CHECK(verdict.failure.message.size() > std::string("could not read payouts page 3: HTTP 401").size());

  attempt.status = 0; // a certificate that cannot be verified: the reason says what to change
  attempt.reason = "certificate problem";
  verdict = policy.after_failure(attempt, start);
  CHECK(verdict.failure.failure == failure_type::config_error);
  CHECK(verdict.failure.message == "could not read payouts page 3: certificate problem");
}

TEST_CASE("a 429 pauses everyone as asked, backs off without Retry-After, and gives up",
          "[retry]") {
  retry_policy policy(settings(), 1);
  auto asked = policy.after_throttle("payouts page 1", 1, start, retry_after{2, "2"}, "HTTP 429",
                                     start);
  REQUIRE(asked.pause_seconds);
  // Never sooner than asked, at most a quarter later.
  CHECK(*asked.pause_seconds >= 2);
  CHECK(*asked.pause_seconds <= 2.5);
  CHECK_THAT(asked.why, Catch::Contains("Retry-After: 2"));

  auto guessed = policy.after_throttle("payouts page 1", 4, start, std::nullopt, "HTTP 429", start);
  REQUIRE(guessed.pause_seconds);
  CHECK(*guessed.pause_seconds >= 8); // 2^(4-1), and up to half of it more
  CHECK(*guessed.pause_seconds <= 12);
  auto longest = *policy.after_throttle("p", 20, start, std::nullopt, "", start).pause_seconds;
  CHECK(longest >= 30);
  CHECK(longest <= 45);

  auto too_many = policy.after_throttle("payouts page 1", 31, start, std::nullopt, "HTTP 429", start);
  CHECK_FALSE(too_many.pause_seconds);
  CHECK_THAT(too_many.failure.message, Catch::Contains("kept answering 429"));

  auto too_long = policy.after_throttle("payouts page 1", 1, start, retry_after{3600, "3600"},
                                        "HTTP 429", start);
  CHECK_FALSE(too_long.pause_seconds);
  CHECK_THAT(too_long.failure.message, Catch::Contains("Retry-After: 3600"));

  auto late = policy.after_throttle("payouts page 1", 1, start, retry_after{120, "120"},
                                    "HTTP 429", start + seconds(850));
  CHECK_FALSE(late.pause_seconds);
  CHECK_THAT(late.failure.message, Catch::Contains("past the page's deadline"));
}

TEST_CASE("integrations told the same Retry-After do not all come back at once", "[retry]") {
  std::set<double> pauses;
  for (std::uint32_t seed = 1; seed <= 10; ++seed) {
    retry_policy policy(settings(), seed);
    pauses.insert(*policy.after_throttle("p", 1, start, retry_after{4, "4"}, "", start).pause_seconds);
  }
  CHECK(pauses.size() == 10);
  CHECK(*pauses.begin() >= 4);
  CHECK(*pauses.rbegin() <= 5);
}

TEST_CASE("a long wait is announced once, a short one never", "[retry]") {
  retry_policy policy(settings(), 1);
  CHECK_FALSE(policy.long_wait_warning(5, "every request", "why", start));
  auto first = policy.long_wait_warning(30, "every request", "Retry-After: 30", start);
  REQUIRE(first);
  CHECK_THAT(*first, Catch::Contains("every request: waiting 30 s, until ")
                       && Catch::Contains("UTC (Retry-After: 30)"));
  // The same wait reported again by other requests in flight: no second WARN.
  CHECK_FALSE(policy.long_wait_warning(29.5, "every request", "again", start + milliseconds(300)));
  // A later, longer wait is news.
  CHECK(policy.long_wait_warning(60, "every request", "later", start + seconds(10)));
}

TEST_CASE("requests in flight follow the budget times the latency", "[retry]") {
  in_flight_sizer sizer(200, 64);
  CHECK(sizer.limit() == 14); // 200/s x 0.05 s x 1.25 + 1, rounded up
  for (int i = 0; i < 50; ++i)
    sizer.observe_latency(0.2);
  CHECK(sizer.limit() == 51); // 200 x 0.2 x 1.25 + 1
  for (int i = 0; i < 50; ++i)
    sizer.observe_latency(2);
  CHECK(sizer.limit() == 64); // the cap
  in_flight_sizer slow(1, 64);
  CHECK(slow.limit() == 2); // never fewer than two
}
