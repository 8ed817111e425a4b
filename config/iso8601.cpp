#include "config/iso8601.hpp"

#include <ctime>
#include <regex>

namespace klarna::config {

std::optional<std::int64_t> parse_iso8601_epoch_seconds(const std::string& text) {
  static const std::regex pattern(
    R"(^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2})))?$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern))
    return std::nullopt;
  std::tm parts{};
  int year = std::stoi(m[1]);
  parts.tm_year = year - 1900;
  parts.tm_mon = std::stoi(m[2]) - 1;
  parts.tm_mday = std::stoi(m[3]);
  if (year < 1 || parts.tm_mon < 0 || parts.tm_mon > 11 || parts.tm_mday < 1)
    return std::nullopt;
  if (m[4].matched) {
    parts.tm_hour = std::stoi(m[5]);
    parts.tm_min = std::stoi(m[6]);
    parts.tm_sec = m[8].matched ? std::stoi(m[8]) : 0;
    if (parts.tm_hour > 23 || parts.tm_min > 59 || parts.tm_sec > 59)
      return std::nullopt;
  }
  std::tm normalized = parts;
  std::int64_t seconds = timegm(&normalized);
  if (normalized.tm_mday != parts.tm_mday) // 2023-02-30 rolled over into March
    return std::nullopt;
  if (m[11].matched) {
    // Zone offsets in use run from -12:00 to +14:00.
    int offset_hours = std::stoi(m[12]);
    int offset_minutes = std::stoi(m[13]);
    if (offset_hours > 14 || offset_minutes > 59)
      return std::nullopt;
    int offset = offset_hours * 3600 + offset_minutes * 60;
    seconds -= (m[11] == "+" ? offset : -offset);
  }
  return seconds;
}

std::string format_iso8601_utc(std::int64_t epoch_seconds) {
  std::time_t time = static_cast<std::time_t>(epoch_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

} // namespace klarna::config
