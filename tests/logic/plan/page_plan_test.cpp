#include "logic/plan/page_plan.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using namespace klarna::protocol;

TEST_CASE("page URLs carry offset, size and the start_date filter where it applies", "[plan]") {
  const auto& payouts = *find_stream("payouts");
  const auto& transactions = *find_stream("transactions");
  CHECK(page_url("https://api.klarna.com/", payouts, 500, 1000, std::string("2024-01-01T00:00:00+01:00"))
        == "https://api.klarna.com/settlements/v1/payouts?start_date=2024-01-01T00%3A00%3A00%2B01%3A00&offset=1000&size=500");
  CHECK(page_url("http://127.0.0.1:9/", transactions, 20, 0, std::string("2024-01-01"))
        == "http://127.0.0.1:9/settlements/v1/transactions?offset=0&size=20");
  // The payouts listing ends where the read began (end_date); transactions have no
  // such filter.
  CHECK(page_url("http://h/", payouts, 500, 0, std::nullopt, std::string("2026-12-02T12:00:00Z"))
        == "http://h/settlements/v1/payouts?end_date=2026-12-02T12%3A00%3A00Z&offset=0&size=500");
  CHECK(page_url("http://h/", transactions, 500, 0, std::nullopt, std::string("2026-12-02T12:00:00Z"))
        == "http://h/settlements/v1/transactions?offset=0&size=500");
}

TEST_CASE("a next link to another host or path is not followed", "[plan]") {
  CHECK(is_followable_next("http://h/p?offset=10&size=10", "http://h/p?offset=0"));
  CHECK_FALSE(is_followable_next("http://evil/p?offset=10", "http://h/p?offset=0"));
  CHECK_FALSE(is_followable_next("https://h/p?offset=10", "http://h/p?offset=0"));
  // Boost.URL 1.81 would read host 127.0.0.1 and path ".evil.invalid/p" here.
  CHECK_FALSE(is_followable_next("http://127.0.0.1.evil.invalid/p?offset=10", "http://127.0.0.1/p?offset=0"));
  CHECK_FALSE(is_followable_next("http://h:81/p?offset=10", "http://h/p?offset=0"));
  CHECK_FALSE(is_followable_next("http://h/other?offset=10", "http://h/p?offset=0"));
  CHECK_FALSE(is_followable_next("http://u:pw@h/p?offset=10", "http://h/p?offset=0"));
}

