#pragma once

// Figures that the fetcher and the rate governor keep about a read, and their text
// for people (periodic LOG messages and the final summary). No actors here, so the
// wording is unit tested.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klarna::protocol {

/// The fetcher's figures (its answer to figures_atom).
struct fetch_figures {
  std::uint64_t requests = 0;
  std::uint64_t throttled = 0;
  std::uint64_t retries = 0;
  std::size_t in_flight = 0;
  std::size_t in_flight_limit = 0;
  double latency_ms = 0;
};

/// The rate governor's figures (its answer to figures_atom).
struct budget_figures {
  double budget_rate = 0;
  double current_rate = 0;
  /// The merchant's quota now (the budget, or a tighter announced quota), what the
  /// connector may take of it, and the share it keeps in reserve.
  double quota_rate = 0;
  double allowed_rate = 0;
  double reserve_share = 0;
  /// The merchant's other traffic measured from the rate-limit headers (requests/s):
  /// now, at its peak, and on average while measured.
  double others_rate = 0;
  double others_peak_rate = 0;
  double others_mean_rate = 0;
  std::uint64_t grants = 0;
  /// Grants that waited over 1 ms for the budget after they were asked for, and their
  /// total wait.
  std::uint64_t waited = 0;
  double wait_seconds = 0;
  /// 429 reports received (each pauses every request and slows the pacing rate).
  std::uint64_t throttled_reports = 0;
  std::size_t waiting = 0;
};

/// Where one stream stands.
struct stream_figures {
  std::string name;
  std::uint64_t records = 0;
  std::uint64_t pages_done = 0;
  /// Pages known so far (from pagination.total, or following next links).
  std::uint64_t pages_known = 1;
  bool ended = false;
  bool complete = false;
};

/// Where the whole read stands, sent to the reporter every interval.
struct progress_figures {
  std::vector<stream_figures> streams;
  budget_figures budget;
  fetch_figures fetch;
  double elapsed_seconds = 0;
};

/// "progress: payouts 100 records (2/2 pages, complete); transactions ..."
std::string describe_progress(const std::vector<stream_figures>& streams);

/// What `sync --reports DIR` archived of Klarna's settlement reports.
struct archive_figures {
  std::string directory;
  std::uint64_t payouts_listed = 0;
  std::uint64_t files_written = 0;
  std::uint64_t bytes_written = 0;
  /// Files the archive had already.
  std::uint64_t files_present = 0;
  std::uint64_t files_failed = 0;
  /// Why the first file or the listing could not be had; empty when all were.
  std::string first_failure;
  /// The listing was read to its end (not stopped by a failure or a signal).
  bool complete = false;
};

/// "settlement reports: 24 files written (1.2 MiB), 10 archived before, in DIR"
std::string describe(const archive_figures& archive);

/// Figures of a finished read.
struct read_figures {
  bool all_complete = false;
  std::vector<std::string> streams;
  std::vector<std::uint64_t> records;
  fetch_figures fetch;
  budget_figures budget;
  double elapsed_seconds = 0;
  bool output_ok = true;
  std::string output_error;
  /// The signal that stopped the read, 0 if none did.
  int interrupted_by = 0;
  /// With `sync --reports`: the settlement reports archived.
  std::optional<archive_figures> reports;
};

/// "quota 40/s: others 24.0/s (peak 26.0/s), 10% in reserve, this sync up to
/// 10.0/s": how the merchant's quota is shared now.
std::string describe_quota_share(const budget_figures& budget);

/// One line on the budget since the previous report (`previous_grants` grants were
/// given by then, `interval_seconds` ago) and the fetcher's state now.
std::string describe_budget(const budget_figures& budget, const fetch_figures& fetch,
                            std::uint64_t previous_grants, double interval_seconds);

/// One line for people: records per stream, requests, 429s, retries, time, mean rate
/// against the budget, waits.
std::string describe(const read_figures& summary);

} // namespace klarna::protocol
