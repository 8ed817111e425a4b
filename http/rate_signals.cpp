#include "http/rate_signals.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace klarna::http {

namespace {

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos)
    return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The whole of `text` as a number, or nullopt (strtod accepts "inf" and "1e300").
std::optional<double> whole_number(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isnan(value))
    return std::nullopt;
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);)
    parts.push_back(trimmed(part));
  return parts;
}

} // namespace

std::optional<retry_after> parse_retry_after(const std::string& value, std::time_t now) {
  auto text = trimmed(value);
  if (text.empty())
    return std::nullopt;
  double seconds = 0;
  if (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '+' || text[0] == '-'
      || text[0] == '.' || text.rfind("inf", 0) == 0 || text.rfind("INF", 0) == 0) {
    auto number = whole_number(text);
    if (!number || *number < 0)
      return std::nullopt;
    seconds = *number;
  } else {
    // curl_getdate reads the HTTP-date forms (IMF-fixdate, RFC 850, asctime).
    std::time_t at = curl_getdate(text.c_str(), nullptr);
    if (at == -1)
      return std::nullopt;
    seconds = std::max(0.0, std::difftime(at, now));
  }
  return retry_after{std::min(seconds, max_retry_after_seconds), text};
}

std::optional<announced_quota> parse_rate_limit_policy(const std::string& value) {
  std::optional<announced_quota> tightest;
  for (const auto& item : split(value, ',')) {
    auto parameters = split(item, ';');
    if (parameters.empty())
      continue;
    announced_quota quota;
    // A bare number first is the quota; a quoted name (IETF draft) leaves it to q=.
    auto first = whole_number(parameters[0]);
    if (first)
      quota.requests = *first;
    for (std::size_t i = 1; i < parameters.size(); ++i) {
      auto equals = parameters[i].find('=');
      if (equals == std::string::npos)
        continue;
      auto key = parameters[i].substr(0, equals);
      auto number = whole_number(trimmed(parameters[i].substr(equals + 1)));
      if (!number)
        continue;
      if (key == "w")
        quota.window_seconds = *number;
      else if (key == "q")
        quota.requests = *number;
    }
    if (!(quota.requests > 0) || !(quota.window_seconds > 0) || std::isinf(quota.requests)
        || std::isinf(quota.window_seconds))
      continue;
    if (!tightest || quota.per_second() < tightest->per_second())
      tightest = quota;
  }
  return tightest;
}

std::optional<double> parse_rate_limit_reset(const std::string& value, std::time_t now) {
  auto number = whole_number(trimmed(value));
  if (!number || *number < 0 || std::isinf(*number))
    return std::nullopt;
  if (*number > 1e9)
    return std::max(0.0, *number - static_cast<double>(now));
  return *number;
}

} // namespace klarna::http
