#include "protocol/progress_text.hpp"

#include <algorithm>
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
    return stream.complete ? "complete" : "incomplete"; // failed, or stopped by a signal
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

std::vector<std::string> fit_to_width(const std::vector<std::string>& lines, std::size_t width) {
  if (width == 0)
    return lines;
  const std::string indent = "  ";
  std::vector<std::string> fitted;
  for (const auto& line : lines) {
    std::string rest = line;
    std::string prefix; // the indent of a continuation
    for (;;) {
      std::size_t room = width > prefix.size() ? width - prefix.size() : 1;
      if (rest.size() <= room) {
        fitted.push_back(prefix + rest);
        break;
      }
      auto cut = rest.find_last_of(", ", room - 1);
      std::size_t end = cut == std::string::npos || cut == 0 ? room : cut + 1;
      auto piece = rest.substr(0, end);
      piece.erase(piece.find_last_not_of(' ') + 1);
      fitted.push_back(prefix + piece);
      auto next = rest.find_first_not_of(' ', end);
      if (next == std::string::npos)
        break;
      rest = rest.substr(next);
      prefix = indent;
    }
  }
  return fitted;
}

std::vector<std::string> progress_lines(const progress_figures& snapshot, std::size_t width) {
  std::vector<std::string> lines;
  int name_width = 0;
  for (const auto& stream : snapshot.streams)
    name_width = std::max(name_width, static_cast<int>(stream.name.size()));
  for (const auto& stream : snapshot.streams) {
    double percent = stream.pages_known ? 100.0 * stream.pages_done / stream.pages_known : 0;
    char text[200];
    std::snprintf(text, sizeof text, "%-*s %12llu records %8llu/%-8llu pages %5.1f%%  %s",
                  name_width, stream.name.c_str(), static_cast<unsigned long long>(stream.records),
                  static_cast<unsigned long long>(stream.pages_done),
                  static_cast<unsigned long long>(stream.pages_known), percent,
                  state_text(stream, snapshot.elapsed_seconds).c_str());
    lines.push_back(text);
  }
  lines.push_back(budget_text(snapshot) + ", " + clock_text(snapshot.elapsed_seconds) + " elapsed");
  lines.push_back(describe_quota_share(snapshot.budget));
  return fit_to_width(lines, width);
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
