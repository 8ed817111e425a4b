#include "protocol/run_figures.hpp"

#include <catch2/catch.hpp>

using namespace klarna::protocol;

TEST_CASE("the budget log gives the recent rate against the budget and the fetcher's state") {
  budget_figures budget;
  budget.budget_rate = 200;
  budget.current_rate = 195.5;
  budget.grants = 2000;
  budget.waited = 40;
  budget.wait_seconds = 0.2;
  budget.throttled_reports = 1;
  budget.waiting = 3;
  fetch_figures fetch;
  fetch.throttled = 2;
  fetch.retries = 1;
  fetch.in_flight = 11;
  fetch.in_flight_limit = 14;
  fetch.latency_ms = 52.4;
  budget.quota_rate = 200;
  budget.reserve_share = 0.1;
  budget.allowed_rate = 180;
  auto text = describe_budget(budget, fetch, 1050, 5.0);
  CHECK(text == "budget: 190.0 requests/s over the last 5 s against 200/s (pacing at 195.5/s);"
                " 2000 granted, 40 waited over 1 ms (mean 5.0 ms), 3 waiting; 2 answered 429;"
                " 11 in flight (limit 14), latency 52 ms; 1 retried; quota 200/s: others 0.0/s"
                " (peak 0.0/s), 10% in reserve, this sync up to 180.0/s");
}

TEST_CASE("the summary names every stream's records and the budget figures") {
  read_figures summary;
  summary.streams = {"payouts", "transactions"};
  summary.records = {202, 101000};
  summary.fetch.requests = 410;
  summary.fetch.throttled = 3;
  summary.fetch.retries = 2;
  summary.budget.budget_rate = 200;
  summary.budget.quota_rate = 40;
  summary.budget.others_mean_rate = 12.5;
  summary.budget.others_peak_rate = 20;
  summary.budget.reserve_share = 0.1;
  summary.elapsed_seconds = 2.0;
  CHECK(describe(summary)
        == "read finished: payouts 202 records, transactions 101000 records, 410 requests"
           " (3 answered 429, 2 retried) in 2.0 s, 205.0 requests/s against a budget of 200/s"
           " (1.02 of it); 0 waited over 1 ms for the budget (mean 0.0 ms); of the merchant's"
           " quota (40/s at the end) other traffic used 12.5/s on average (peak 20.0/s) and 10%"
           " was kept in reserve");
}

TEST_CASE("a read that ended within a second has no rates in its summary") {
  read_figures summary;
  summary.streams = {"payouts"};
  summary.records = {0};
  summary.fetch.requests = 3;
  summary.budget.budget_rate = 50;
  summary.budget.waited = 2;
  summary.elapsed_seconds = 0.04;
  CHECK(describe(summary)
        == "read finished: payouts 0 records, 3 requests (0 answered 429, 0 retried) in 0.0 s");
}

TEST_CASE("the summary says what the report archive holds and what it lacks") {
  read_figures summary;
  archive_figures archive;
  archive.directory = "out/reports";
  archive.payouts_listed = 12;
  archive.files_written = 20;
  archive.bytes_written = 3 << 20;
  archive.files_present = 4;
  archive.complete = true;
  summary.reports = archive;
  CHECK_THAT(describe(summary),
             Catch::EndsWith("; settlement reports of 12 payouts: 20 files written (3.0 MiB), "
                             "4 archived before, in out/reports"));
  archive.files_failed = 1;
  archive.first_failure = "settlement report KP1.pdf: HTTP 404";
  archive.complete = false;
  CHECK(describe(archive)
        == "settlement reports of 12 payouts: 20 files written (3.0 MiB), 4 archived before, "
           "in out/reports; 1 could not be had (settlement report KP1.pdf: HTTP 404); not "
           "complete: the next sync archives the rest");
}
