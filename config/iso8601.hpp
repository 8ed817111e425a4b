#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::config {

/// Parses an ISO-8601 date (2024-01-31, meaning 00:00:00Z) or date-time with a zone
/// (2024-01-31T10:00:00Z, 2024-01-31T10:00:00.5+01:00) naming a real calendar day
/// and time (a zone offset of at most 14:59), to seconds since the Unix epoch;
/// nullopt for anything else. Shared by
/// the connector's config validation and klarna-sandbox's date filters.
std::optional<std::int64_t> parse_iso8601_epoch_seconds(const std::string& text);

/// Seconds since the epoch -> "2024-01-31T07:00:00Z".
std::string format_iso8601_utc(std::int64_t epoch_seconds);

} // namespace klarna::config
