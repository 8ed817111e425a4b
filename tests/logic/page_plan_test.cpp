#include "logic/page_plan.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using namespace klarna::protocol;

namespace {

pagination_plan make_plan(int page_size) {
  return pagination_plan([](std::int64_t offset) { return "http://h/p?offset=" + std::to_string(offset); },
                         page_size);
}

page_pagination with_total(std::int64_t count, std::int64_t total,
                           std::optional<std::string> next = std::nullopt) {
  return {count, total, std::move(next)};
}

} // namespace

TEST_CASE("page URLs carry offset, size and the start_date filter where it applies", "[plan]") {
  const auto& payouts = *find_stream("payouts");
  const auto& transactions = *find_stream("transactions");
  CHECK(page_url("https://api.klarna.com/", payouts, 500, 1000, std::string("2024-01-01T00:00:00+01:00"))
        == "https://api.klarna.com/settlements/v1/payouts?start_date=2024-01-01T00%3A00%3A00%2B01%3A00&offset=1000&size=500");
  CHECK(page_url("http://127.0.0.1:9/", transactions, 20, 0, std::string("2024-01-01"))
        == "http://127.0.0.1:9/settlements/v1/transactions?offset=0&size=20");
}

TEST_CASE("after page 0 every remaining offset is planned at once", "[plan]") {
  auto plan = make_plan(100);
  auto first = plan.take_next();
  REQUIRE(first);
  CHECK(first->seq == 0);
  CHECK_FALSE(plan.take_next()); // nothing known before page 0 answers
  CHECK_FALSE(plan.on_page(0, with_total(100, 350, "http://h/p?offset=100")));
  std::vector<std::string> urls;
  while (auto page = plan.take_next())
    urls.push_back(page->url);
  CHECK(urls == std::vector<std::string>{"http://h/p?offset=100", "http://h/p?offset=200",
                                         "http://h/p?offset=300"});
  CHECK(plan.pages_known() == 4);
  CHECK_FALSE(plan.finished());
  plan.on_page(2, with_total(100, 350, "x"));   // a middle page's next is already planned
  plan.on_page(1, with_total(100, 350, "y"));
  CHECK_FALSE(plan.take_next());
  plan.on_page(3, with_total(50, 350));
  CHECK(plan.finished());
}

TEST_CASE("a collection that grew is followed through next", "[plan]") {
  auto plan = make_plan(10);
  plan.take_next();
  plan.on_page(0, with_total(10, 20, "http://h/p?offset=10"));
  auto second = plan.take_next();
  REQUIRE(second);
  plan.on_page(second->seq, with_total(10, 25, "http://h/p?offset=20"));
  auto third = plan.take_next();
  REQUIRE(third);
  CHECK(third->seq == 2);
  CHECK(third->url == "http://h/p?offset=20");
  plan.on_page(2, with_total(5, 25));
  CHECK(plan.finished());
}

TEST_CASE("without a total, pages are followed one by one", "[plan]") {
  auto plan = make_plan(10);
  plan.take_next();
  plan.on_page(0, {10, std::nullopt, std::string("http://h/p?offset=10")});
  auto next = plan.take_next();
  REQUIRE(next);
  CHECK(next->url == "http://h/p?offset=10");
  plan.on_page(1, {3, std::nullopt, std::nullopt});
  CHECK(plan.finished());
}

TEST_CASE("an empty collection finishes after page 0", "[plan]") {
  auto plan = make_plan(500);
  plan.take_next();
  plan.on_page(0, with_total(0, 0));
  CHECK_FALSE(plan.take_next());
  CHECK(plan.finished());
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
  auto plan = make_plan(10);
  plan.take_next();
  auto problem = plan.on_page(0, {10, std::nullopt, std::string("http://evil/p?offset=10")});
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("not followed"));
}

TEST_CASE("a resumed plan starts at its offset and knows every page's offset", "[plan]") {
  pagination_plan plan([](std::int64_t offset) { return "http://h/p?offset=" + std::to_string(offset); },
                       100, 250);
  auto first = plan.take_next();
  REQUIRE(first);
  CHECK(first->url == "http://h/p?offset=250");
  CHECK(plan.offset_of(0) == 250);
  CHECK_FALSE(plan.on_page(0, with_total(100, 520)));
  std::vector<std::string> urls;
  while (auto page = plan.take_next())
    urls.push_back(page->url);
  CHECK(urls == std::vector<std::string>{"http://h/p?offset=350", "http://h/p?offset=450"});
  CHECK(plan.offset_of(2) == 450);
  // The collection grew: the last page's next is followed, right after its records.
  CHECK_FALSE(plan.on_page(1, with_total(100, 520)));
  CHECK_FALSE(plan.on_page(2, with_total(70, 530, "http://h/p?offset=520")));
  CHECK(plan.offset_of(3) == 520);
}
