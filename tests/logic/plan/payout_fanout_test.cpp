#include "logic/plan/payout_fanout.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using klarna::protocol::find_stream;

namespace {

// A payouts page listing `references`, one day apart, as the parser gives it (with
// the payouts stream's key fields).
parsed_page payouts_page(const std::vector<std::string>& references) {
  std::string records;
  int day = 1;
  for (const auto& reference : references)
    records += std::string(records.empty() ? "" : ",") + R"({"payment_reference":")" + reference
               + R"(","payout_date":"2024-03-0)" + std::to_string(day++) + R"(T00:00:00Z"})";
  auto count = std::to_string(references.size());
  return parse_page(R"({"payouts":[)" + records + R"(],"pagination":{"count":)" + count
                      + R"(,"total":)" + count + "}}",
                    {"payouts", "", find_stream("payouts")->key_fields, 0}, 1);
}

// `count` transactions from listing offset `offset` of a payout's `total`.
parsed_page transactions_page(std::int64_t offset, std::int64_t count, std::int64_t total) {
  parsed_page page;
  for (auto n = offset; n < offset + count; ++n)
    page.records.append(R"({"n":)" + std::to_string(n) + "}");
  page.pagination.count = count;
  page.pagination.total = total;
  return page;
}

struct fanout_under_test {
  payout_fanout fanout;

  explicit fanout_under_test(stream_start start = {})
    : fanout(*find_stream("transactions"), *find_stream("payouts"), "https://api.test/", 10,
             with_per_payout(std::move(start))) {}

  static stream_start with_per_payout(stream_start start) {
    start.incremental = true;
    start.per_payout = true;
    return start;
  }

  std::vector<page_request> requests(bool has_credit = true, std::size_t at_most = 100) {
    std::vector<page_request> taken;
    while (taken.size() < at_most) {
      auto page = fanout.take_next(has_credit);
      if (!page)
        break;
      taken.push_back(std::move(*page));
    }
    return taken;
  }
};

} // namespace

TEST_CASE("payouts are listed first, then each payout's transactions, earliest payout first",
          "[fanout]") {
  fanout_under_test test;
  auto first = test.requests();
  REQUIRE(first.size() == 1);
  CHECK(first[0].listing == 0);
  CHECK(first[0].credit == credit_use::none);
  CHECK(first[0].url == "https://api.test/settlements/v1/payouts?offset=0&size=10");
  CHECK(test.fanout.on_page(0, 0, payouts_page({"KP1", "KP2"})).pages.empty());
  auto pages = test.requests();
  REQUIRE(pages.size() == 2);
  CHECK(pages[0].listing == 1);
  CHECK(pages[0].url
        == "https://api.test/settlements/v1/transactions?payment_reference=KP1&offset=0&size=10");
  CHECK(pages[1].listing == 2);
  CHECK(pages[0].credit == credit_use::spend);

  // KP2's only page arrives first: it waits until KP1 is counted.
  CHECK(test.fanout.on_page(2, 0, transactions_page(0, 4, 4)).pages.empty());
  auto kp1_first = test.fanout.on_page(1, 0, transactions_page(0, 10, 25));
  REQUIRE(kp1_first.pages.size() == 1);
  CHECK(kp1_first.pages[0].seq == 0);
  CHECK_FALSE(kp1_first.pages[0].step.payout->complete);
  CHECK(kp1_first.pages[0].step.next_offset == 10);
  auto rest = test.requests();
  REQUIRE(rest.size() == 2); // KP1's pages from offsets 9 and 18 (each repeats one record)
  CHECK(rest[1].url
        == "https://api.test/settlements/v1/transactions?payment_reference=KP1&offset=18&size=10");
  // The last page waits for the middle one, which it must continue.
  CHECK(test.fanout.on_page(1, rest[1].seq, transactions_page(18, 7, 25)).pages.empty());
  auto kp1_rest = test.fanout.on_page(1, rest[0].seq, transactions_page(9, 10, 25));
  // KP1 complete: KP2's held page follows it, as page 3 of the output.
  REQUIRE(kp1_rest.pages.size() == 3);
  CHECK(kp1_rest.pages[0].seq == 1);
  CHECK(kp1_rest.pages[0].records.size() == 9);
  CHECK(kp1_rest.pages[1].seq == 2);
  CHECK(kp1_rest.pages[1].step.payout->complete);
  CHECK(kp1_rest.pages[1].step.next_offset == 25);
  CHECK(kp1_rest.pages[2].seq == 3);
  CHECK(kp1_rest.pages[2].step.payout->payment_reference == "KP2");
  CHECK(kp1_rest.pages[2].step.payout->payout_date == "2024-03-02T00:00:00Z");
  CHECK(kp1_rest.pages[2].step.payout->complete);
  CHECK(test.fanout.finished());
  CHECK(test.fanout.pages_known() == 4);
}

TEST_CASE("payouts done are skipped and the payout under way resumes at its offset", "[fanout]") {
  stream_start start;
  start.payouts_done = {{"KP1", "2024-03-01T00:00:00Z"}};
  start.current = klarna::protocol::payout_position{"KP2", 30};
  fanout_under_test test(start);
  test.requests();
  test.fanout.on_page(0, 0, payouts_page({"KP1", "KP2", "KP3"}));
  auto pages = test.requests();
  REQUIRE(pages.size() == 2);
  CHECK(pages[0].url
        == "https://api.test/settlements/v1/transactions?payment_reference=KP2&offset=30&size=10");
  CHECK(pages[1].url
        == "https://api.test/settlements/v1/transactions?payment_reference=KP3&offset=0&size=10");
  auto kp2 = test.fanout.on_page(1, 0, transactions_page(30, 5, 35));
  REQUIRE(kp2.pages.size() == 1);
  CHECK(kp2.pages[0].step.next_offset == 35);
  CHECK(kp2.pages[0].step.payout->complete);
}

TEST_CASE("a payout listed twice has its transactions read once", "[fanout]") {
  fanout_under_test test;
  test.requests();
  test.fanout.on_page(0, 0, payouts_page({"KP1", "KP1", "KP2"}));
  auto pages = test.requests();
  REQUIRE(pages.size() == 2);
  CHECK(pages[0].url.find("payment_reference=KP1") != std::string::npos);
  CHECK(pages[1].url.find("payment_reference=KP2") != std::string::npos);
}

TEST_CASE("with every credit spent on held pages the earliest payout borrows one", "[fanout]") {
  fanout_under_test test;
  test.requests();
  test.fanout.on_page(0, 0, payouts_page({"KP1", "KP2", "KP3"}));
  auto pages = test.requests(true, 3); // three credits: page 0 of each payout
  REQUIRE(pages.size() == 3);
  test.fanout.on_page(2, 0, transactions_page(0, 1, 1));
  test.fanout.on_page(3, 0, transactions_page(0, 1, 1));
  test.fanout.on_page(1, 0, transactions_page(0, 10, 30)); // KP1 has two more pages
  // No credit: KP1, the earliest, with nothing on the way, may borrow one page.
  auto borrowed = test.requests(false);
  REQUIRE(borrowed.size() == 1);
  CHECK(borrowed[0].listing == 1);
  CHECK(borrowed[0].credit == credit_use::borrow);
  CHECK(test.requests(false).empty()); // one borrowed page on the way is enough
}
