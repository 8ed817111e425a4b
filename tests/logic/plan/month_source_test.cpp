#include "config/iso8601.hpp"
#include "logic/plan/month_source.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna::logic;
using klarna::config::format_iso8601_utc;
using klarna::config::parse_iso8601_epoch_seconds;

namespace {

const auto& summaries = *klarna::protocol::find_stream("payout_summaries");
const auto now = *parse_iso8601_epoch_seconds("2024-03-15T10:00:00Z");

stream_start from(const char* date, std::int64_t offset = 0) {
  stream_start start;
  start.listing_start = date;
  start.offset = offset;
  return start;
}

} // namespace

TEST_CASE("months are counted in UTC, across years and backwards", "[months]") {
  CHECK(format_iso8601_utc(month_start(now)) == "2024-03-01T00:00:00Z");
  CHECK(format_iso8601_utc(month_start(now, -3)) == "2023-12-01T00:00:00Z");
  CHECK(format_iso8601_utc(month_start(now, 10)) == "2025-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(month_start(*parse_iso8601_epoch_seconds("2024-01-31T23:30:00-01:00"))) == "2024-02-01T00:00:00Z");
}

TEST_CASE("one request per month from the start's month to now, each month whole", "[months]") {
  month_source source(summaries, "https://api.test/", from("2023-12-20"), now);
  CHECK(source.pages_known() == 4);
  std::vector<std::string> urls;
  while (auto page = source.take_next(true))
    urls.push_back(page->url);
  REQUIRE(urls.size() == 4);
  CHECK(urls[0] == "https://api.test/settlements/v1/payouts/summary?start_date=2023-12-01T00:00:00Z"
                   "&end_date=2023-12-31T23:59:59Z");
  CHECK(urls[2] == "https://api.test/settlements/v1/payouts/summary?start_date=2024-02-01T00:00:00Z"
                   "&end_date=2024-02-29T23:59:59Z");
  auto outcome = source.on_page(0, 2, {});
  REQUIRE(outcome.pages.size() == 1);
  CHECK(outcome.pages[0].seq == 2);
  CHECK(outcome.pages[0].step.next_offset == 3);
  CHECK(outcome.pages[0].step.total == std::optional<std::int64_t>(4));
  CHECK(outcome.pages[0].step.max_cursor == std::optional<std::string>("2024-02-01T00:00:00Z"));
  CHECK_FALSE(source.finished());
}

TEST_CASE("a cut read resumes at its first month not emitted", "[months]") {
  month_source source(summaries, "https://api.test/", from("2023-12-20", 3), now);
  auto page = source.take_next(true);
  REQUIRE(page);
  CHECK(page->url.find("start_date=2024-03-01T00:00:00Z") != std::string::npos);
  CHECK_FALSE(source.take_next(true));
  CHECK(source.on_page(0, 0, {}).pages.at(0).step.next_offset == 4);
  CHECK(source.finished());
}
