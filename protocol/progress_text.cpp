#include "protocol/progress_text.hpp"

#include <cmath>
#include <cstdio>

namespace klarna::protocol {

namespace {

// Seconds until the stream's known pages are done at its mean page rate so far.
double eta_seconds(const stream_figures& stream, double elapsed) {
  if (stream.ended)
    return 0;
  if (stream.pages_done == 0 || elapsed <= 0)
    return -1;
  double rate = stream.pages_done / elapsed;
  return (stream.pages_known - stream.pages_done) / rate;
}

std::string state_text(const stream_figures& stream, double elapsed) {
  if (stream.ended)
    return stream.complete ? "complete" : "FAILED";
  return "ETA " + clock_text(eta_seconds(stream, elapsed));
}

std::string budget_text(const progress_figures& snapshot) {
  double rate = snapshot.elapsed_seconds > 0 ? snapshot.fetch.requests / snapshot.elapsed_seconds : 0;
  char text[200];
  std::snprintf(text, sizeof text,
                "%.1f requests/s of %.0f/s budget, %llu answered 429, %zu in flight, latency %.0f ms",
                rate, snapshot.budget.budget_rate,
                static_cast<unsigned long long>(snapshot.fetch.throttled), snapshot.fetch.in_flight,
                snapshot.fetch.latency_ms);
  return text;
}

} // namespace

std::string clock_text(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds))
    return "-";
  auto total = static_cast<long long>(std::ceil(seconds));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  return text;
}

std::vector<std::string> progress_lines(const progress_figures& snapshot) {
  std::vector<std::string> lines;
  for (const auto& stream : snapshot.streams) {
    double percent = stream.pages_known ? 100.0 * stream.pages_done / stream.pages_known : 0;
    char text[200];
    std::snprintf(text, sizeof text, "%-14s %12llu records %8llu/%-8llu pages %5.1f%%  %s",
                  stream.name.c_str(), static_cast<unsigned long long>(stream.records),
                  static_cast<unsigned long long>(stream.pages_done),
                  static_cast<unsigned long long>(stream.pages_known), percent,
                  state_text(stream, snapshot.elapsed_seconds).c_str());
    lines.push_back(text);
  }
  lines.push_back(budget_text(snapshot) + ", " + clock_text(snapshot.elapsed_seconds) + " elapsed");
  lines.push_back(describe_quota_share(snapshot.budget));
  return lines;
}

std::string progress_line(const progress_figures& snapshot) {
  std::string text = "[" + clock_text(snapshot.elapsed_seconds) + "]";
  for (const auto& stream : snapshot.streams)
    text += " " + stream.name + " " + std::to_string(stream.records) + " records "
            + std::to_string(stream.pages_done) + "/" + std::to_string(stream.pages_known)
            + " pages (" + state_text(stream, snapshot.elapsed_seconds) + ");";
  return text + " " + budget_text(snapshot);
}

} // namespace klarna::protocol
