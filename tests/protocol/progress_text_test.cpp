#include "protocol/progress_text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace klarna::protocol;

TEST_CASE("clock texts", "[progress]") {
  CHECK(clock_text(0) == "0:00");
  CHECK(clock_text(65.2) == "1:06");
  CHECK(clock_text(3725) == "1:02:05");
  CHECK(clock_text(-1) == "-");
}

TEST_CASE("the live display has a line per stream with its ETA and one for the budget", "[progress]") {
  progress_figures snapshot;
  snapshot.elapsed_seconds = 10;
  snapshot.streams = {{"payouts", 400, 1, 1, true, true},
                      {"transactions", 50000, 100, 400, false, false}};
  snapshot.budget.budget_rate = 200;
  snapshot.fetch.requests = 1900;
  snapshot.fetch.throttled = 2;
  snapshot.fetch.in_flight = 11;
  snapshot.fetch.latency_ms = 52;
  snapshot.budget.quota_rate = 40;
  snapshot.budget.others_rate = 24;
  snapshot.budget.others_peak_rate = 26.5;
  snapshot.budget.reserve_share = 0.1;
  snapshot.budget.allowed_rate = 12;
  auto lines = progress_lines(snapshot);
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::StartsWith("payouts") && Catch::EndsWith("complete"));
  // 100 of 400 pages in 10 s: 300 more take 30 s.
  CHECK_THAT(lines[1], Catch::Contains("100/400") && Catch::Contains("25.0%")
                         && Catch::EndsWith("ETA 0:30"));
  CHECK(lines[2] == "190.0 requests/s of 200/s budget, 2 answered 429, 11 in flight, latency 52 ms, 0:10 elapsed");
  // The quota is the merchant's: how its other traffic and the reserve share it.
  CHECK(lines[3] == "quota 40/s: others 24.0/s (peak 26.5/s), 10% in reserve, this sync up to 12.0/s");
  CHECK(progress_line(snapshot)
        == "[0:10] payouts 400 records 1/1 pages (complete); transactions 50000 records 100/400 pages "
           "(ETA 0:30); 190.0 requests/s of 200/s budget, 2 answered 429, 11 in flight, latency 52 ms");
}

TEST_CASE("the display's columns line up whatever the stream names", "[progress]") {
  progress_figures snapshot;
  snapshot.elapsed_seconds = 10;
  snapshot.streams = {{"payouts", 400, 1, 1, true, true},
                      {"transactions", 50000, 100, 400, false, false},
                      {"payout_summaries", 30, 30, 30, true, true}};
  auto lines = progress_lines(snapshot);
  REQUIRE(lines.size() == 5);
  auto column = lines[0].find(" records");
  CHECK(column != std::string::npos);
  CHECK(lines[1].find(" records") == column);
  CHECK(lines[2].find(" records") == column);
  CHECK(lines[0].find("pages") == lines[2].find("pages"));
}

TEST_CASE("no line of the display is wider than the terminal; nothing is lost",
          "[progress]") {
  progress_figures snapshot;
  snapshot.elapsed_seconds = 10;
  snapshot.streams = {{"payouts", 400, 1, 1, true, true},
                      {"payout_summaries", 30, 30, 30, true, true}};
  snapshot.budget.budget_rate = 200;
  snapshot.budget.quota_rate = 40;
  for (std::size_t width : {40u, 80u, 160u}) {
    auto wide = progress_lines(snapshot);
    auto fitted = progress_lines(snapshot, width);
    std::string all_wide;
    std::string all_fitted;
    for (const auto& line : wide)
      all_wide += line;
    for (const auto& line : fitted) {
      CHECK(line.size() <= width);
      all_fitted += line;
    }
    // The same words in the same order, only broken differently.
    auto squeeze = [](std::string text) {
      text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
      return text;
    };
    CHECK(squeeze(all_fitted) == squeeze(all_wide));
  }
  CHECK(fit_to_width({"a, b, c"}, 4) == std::vector<std::string>{"a,", "  b,", "  c"});
  CHECK(fit_to_width({"abcdefgh"}, 4) == std::vector<std::string>{"abcd", "  ef", "  gh"});
}
