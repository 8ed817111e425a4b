#pragma once

#include "protocol/run_figures.hpp"

#include <string>
#include <vector>

namespace klarna::protocol {

/// The live progress display of `sync` on a terminal: one line per stream (records,
/// pages done of known, percent, ETA; the columns aligned whatever the names) and
/// one for the request budget (rate against it, 429s, requests in flight, latency),
/// each at most `width` characters (0: any): a longer one goes on over lines of its
/// own, so that a terminal never wraps them.
std::vector<std::string> progress_lines(const progress_figures& snapshot, std::size_t width = 0);

/// `lines`, each longer than `width` (0: none is) broken after its last comma or
/// space that fits (else at `width`) and continued on indented lines.
std::vector<std::string> fit_to_width(const std::vector<std::string>& lines, std::size_t width);

/// The same in one line, for a stderr that is not a terminal (logs).
std::string progress_line(const progress_figures& snapshot);

/// "1:05" or "1:02:05"; "-" when unknown.
std::string clock_text(double seconds);

} // namespace klarna::protocol
