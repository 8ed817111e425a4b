#pragma once

#include "protocol/run_figures.hpp"

#include <string>
#include <vector>

namespace klarna::protocol {

/// The live progress display of `sync` on a terminal: one line per stream (records,
/// pages done of known, percent, ETA) and one for the request budget (rate against
/// it, 429s, requests in flight, latency).
std::vector<std::string> progress_lines(const progress_figures& snapshot);

/// The same in one line, for a stderr that is not a terminal (logs).
std::string progress_line(const progress_figures& snapshot);

/// "1:05" or "1:02:05"; "-" when unknown.
std::string clock_text(double seconds);

} // namespace klarna::protocol
