#include "protocol/run_figures.hpp"

#include <cstdio>

namespace klarna::protocol {

namespace {

double mean_wait_ms(const budget_figures& budget) {
  return budget.waited ? budget.wait_seconds * 1000 / budget.waited : 0.0;
}

} // namespace

std::string describe_quota_share(const budget_figures& budget) {
  char text[200];
  std::snprintf(text, sizeof text,
                "quota %.0f/s: others %.1f/s (peak %.1f/s), %.0f%% in reserve, this sync up to "
                "%.1f/s",
                budget.quota_rate, budget.others_rate, budget.others_peak_rate,
                budget.reserve_share * 100, budget.allowed_rate);
  return text;
}

std::string describe_budget(const budget_figures& budget, const fetch_figures& fetch,
                            std::uint64_t previous_grants, double interval_seconds) {
  double recent_rate =
    interval_seconds > 0 ? (budget.grants - previous_grants) / interval_seconds : 0.0;
  char text[400];
  std::snprintf(text, sizeof text,
                "budget: %.1f requests/s over the last %.0f s against %.0f/s (pacing at %.1f/s);"
                " %llu granted, %llu waited over 1 ms (mean %.1f ms), %zu waiting; %llu answered 429;"
                " %zu in flight (limit %zu), latency %.0f ms; %llu retried; ",
                recent_rate, interval_seconds, budget.budget_rate, budget.current_rate,
                static_cast<unsigned long long>(budget.grants),
                static_cast<unsigned long long>(budget.waited), mean_wait_ms(budget),
                budget.waiting, static_cast<unsigned long long>(fetch.throttled), fetch.in_flight,
                fetch.in_flight_limit, fetch.latency_ms,
                static_cast<unsigned long long>(fetch.retries));
  return text + describe_quota_share(budget);
}

std::string describe_progress(const std::vector<stream_figures>& streams) {
  std::string text = "progress:";
  for (const auto& stream : streams)
    text += " " + stream.name + " " + std::to_string(stream.records) + " records ("
            + std::to_string(stream.pages_done) + "/" + std::to_string(stream.pages_known)
            + " pages" + (stream.ended ? (stream.complete ? ", complete" : ", failed") : "")
            + ");";
  text.pop_back();
  return text;
}

std::string describe(const archive_figures& archive) {
  char bytes[32];
  std::snprintf(bytes, sizeof bytes, "%.1f MiB", archive.bytes_written / 1048576.0);
  std::string text = "settlement reports of " + std::to_string(archive.payouts_listed)
                     + " payouts: " + std::to_string(archive.files_written) + " files written ("
                     + bytes + "), " + std::to_string(archive.files_present)
                     + " archived before, in " + archive.directory;
  if (archive.files_failed > 0)
    text += "; " + std::to_string(archive.files_failed) + " could not be had";
  if (!archive.first_failure.empty())
    text += " (" + archive.first_failure + ")";
  if (!archive.complete)
    text += "; not complete: the next sync archives the rest";
  return text;
}

std::string describe(const read_figures& summary) {
  std::string text = "read finished:";
  for (std::size_t i = 0; i < summary.streams.size() && i < summary.records.size(); ++i)
    text += " " + summary.streams[i] + " " + std::to_string(summary.records[i]) + " records,";
  char requests[160];
  std::snprintf(requests, sizeof requests, " %llu requests (%llu answered 429, %llu retried) in %.1f s",
                static_cast<unsigned long long>(summary.fetch.requests),
                static_cast<unsigned long long>(summary.fetch.throttled),
                static_cast<unsigned long long>(summary.fetch.retries), summary.elapsed_seconds);
  text += requests;
  // A rate over a fraction of a second (a read refused at once) says nothing.
  if (summary.elapsed_seconds >= 1) {
    double rate = summary.fetch.requests / summary.elapsed_seconds;
    char budget[240];
    std::snprintf(budget, sizeof budget,
                  ", %.1f requests/s against a budget of %.0f/s (%.2f of it); %llu waited over"
                  " 1 ms for the budget (mean %.1f ms)",
                  rate, summary.budget.budget_rate,
                  summary.budget.budget_rate > 0 ? rate / summary.budget.budget_rate : 0.0,
                  static_cast<unsigned long long>(summary.budget.waited),
                  mean_wait_ms(summary.budget));
    // The quota is the merchant's: what the rest of the merchant used of it, and what
    // this sync left alone.
    char shared[240];
    std::snprintf(shared, sizeof shared,
                  "; of the merchant's quota (%.0f/s at the end) other traffic used %.1f/s on "
                  "average (peak %.1f/s) and %.0f%% was kept in reserve",
                  summary.budget.quota_rate, summary.budget.others_mean_rate,
                  summary.budget.others_peak_rate, summary.budget.reserve_share * 100);
    text += budget + std::string(shared);
  }
  if (summary.reports)
    text += "; " + describe(*summary.reports);
  return text;
}

} // namespace klarna::protocol
