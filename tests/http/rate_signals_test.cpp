#include "http/rate_signals.hpp"

#include <catch2/catch.hpp>

using namespace klarna::http;

namespace {
// 2026-10-21T07:28:00Z
constexpr std::time_t now = 1792567680;
} // namespace

TEST_CASE("Retry-After in delta-seconds", "[rate_signals]") {
  auto parsed = parse_retry_after(" 5 ", now);
  REQUIRE(parsed);
  CHECK(parsed->seconds == 5);
  CHECK(parsed->text == "5");
  CHECK(parse_retry_after("3600", now)->seconds == 3600);
  CHECK(parse_retry_after("0", now)->seconds == 0);
}

TEST_CASE("Retry-After as an HTTP-date is the time until then", "[rate_signals]") {
  CHECK(parse_retry_after("Wed, 21 Oct 2026 07:28:30 GMT", now)->seconds == 30);
  // RFC 850 and asctime forms, which RFC 9110 says recipients must accept.
  CHECK(parse_retry_after("Wednesday, 21-Oct-26 07:29:00 GMT", now)->seconds == 60);
  CHECK(parse_retry_after("Wed Oct 21 07:28:10 2026", now)->seconds == 10);
  // A date in the past means now.
  CHECK(parse_retry_after("Tue, 20 Oct 2026 07:28:00 GMT", now)->seconds == 0);
}

TEST_CASE("huge and infinite Retry-After values are clamped, not overflowed", "[rate_signals]") {
  for (const char* value : {"1e300", "inf", "9999999999999", "99999999999999999999999999"}) {
    INFO(value);
    auto parsed = parse_retry_after(value, now);
    REQUIRE(parsed);
    CHECK(parsed->seconds == max_retry_after_seconds);
    CHECK(parsed->text == value);
  }
}

TEST_CASE("unreadable Retry-After values are ignored", "[rate_signals]") {
  for (const char* value : {"", "  ", "-5", "nan", "soon", "5 seconds", "Wed, 99 Foo"}) {
    INFO(value);
    CHECK_FALSE(parse_retry_after(value, now));
  }
}

TEST_CASE("the tightest quota of a rate-limit header", "[rate_signals]") {
  // Klarna's documented form: the limit, then its policy.
  auto klarna = parse_rate_limit_policy("40, 40;w=1");
  REQUIRE(klarna);
  CHECK(klarna->requests == 40);
  CHECK(klarna->window_seconds == 1);
  // Several policies: the lowest requests per second wins.
  auto several = parse_rate_limit_policy("100, 100;w=1, 3000;w=60");
  REQUIRE(several);
  CHECK(several->per_second() == Approx(50));
  // IETF draft structured fields.
  auto ietf = parse_rate_limit_policy(R"("default";q=600;w=60)");
  REQUIRE(ietf);
  CHECK(ietf->requests == 600);
  CHECK(ietf->window_seconds == 60);
  // A bare number is per second.
  CHECK(parse_rate_limit_policy("25")->per_second() == 25);
}

TEST_CASE("rate-limit headers without a usable quota are ignored", "[rate_signals]") {
  for (const char* value : {"", "0", "-1;w=1", "abc", "10;w=0", "inf;w=1"}) {
    INFO(value);
    CHECK_FALSE(parse_rate_limit_policy(value));
  }
}

TEST_CASE("rate-limit reset in delta or Unix seconds", "[rate_signals]") {
  CHECK(*parse_rate_limit_reset("3", now) == 3);
  CHECK(*parse_rate_limit_reset(std::to_string(now + 7), now) == 7);
  CHECK_FALSE(parse_rate_limit_reset("x", now));
}
