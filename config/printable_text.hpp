#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace klarna::config {

/// Text that came from outside (a server's error body, a next link, a state file)
/// made safe to show: control characters (C0, DEL, C1) are written as escapes
/// (\n, \r, \t, \x1b, \u009b), bytes that are not UTF-8 as \xNN, so a server can
/// neither forge log lines nor drive a terminal; past `max_bytes` the text is cut at
/// a character boundary and says how much was cut.
std::string printable_text(std::string_view text, std::size_t max_bytes = 4096);

/// What every free text that leaves the process (LOG, TRACE, connection status,
/// stderr) passes through: redact_secrets, then printable_text.
std::string text_for_output(std::string text);

} // namespace klarna::config
