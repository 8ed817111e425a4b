#include "config/connector_config.hpp"

#include "config/http_url.hpp"
#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/secrets.hpp"
#include "config/json_input.hpp"

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace klarna::config {

namespace {

const char* const known_fields[] = {
  "region",          "playground",          "username",
  "password",        "start_date",          "base_url",
  "page_size",       "requests_per_second", "rate_window_seconds",
  "connect_timeout_seconds", "request_timeout_seconds", "low_speed_timeout_seconds",
  "max_attempts",    "page_deadline_seconds", "max_retry_wait_seconds",
  "ca_certificate"};

std::string field_path(const char* name) {
  return std::string("config field '") + name + "'";
}

[[noreturn]] void wrong_type(const char* name, const char* expected,
                             const boost::json::value& got) {
  throw input_error(field_path(name) + " must be " + expected + ", got "
                    + json_type_name(got));
}

// A present, non-null field, or nullptr.
const boost::json::value* optional_field(const boost::json::object& obj,
                                         const char* name) {
  auto* value = obj.if_contains(name);
  return (value == nullptr || value->is_null()) ? nullptr : value;
}

// A required non-empty string. The value is never quoted in errors, so this is
// safe for the password too.
std::string required_string(const boost::json::object& obj, const char* name) {
  auto* value = optional_field(obj, name);
  if (value == nullptr)
    throw input_error(field_path(name) + " is required");
  if (!value->is_string())
    wrong_type(name, "a string", *value);
  if (value->get_string().empty())
    throw input_error(field_path(name) + " must not be empty");
  return std::string(value->get_string());
}

std::optional<std::string> optional_string(const boost::json::object& obj,
                                           const char* name) {
  auto* value = optional_field(obj, name);
  if (value == nullptr)
    return std::nullopt;
  if (!value->is_string())
    wrong_type(name, "a string", *value);
  return std::string(value->get_string());
}

// An optional number field within [min, max] (inclusive), or `fallback`.
double number_in_range(const boost::json::object& obj, const char* name, double min,
                       double max, double fallback) {
  auto* value = optional_field(obj, name);
  if (value == nullptr)
    return fallback;
  char range[96];
  std::snprintf(range, sizeof range, "a number from %g to %g", min, max);
  if (!value->is_number())
    wrong_type(name, range, *value);
  double number = value->to_number<double>();
  if (!(number >= min) || !(number <= max)) {
    char got[48];
    std::snprintf(got, sizeof got, ", got %g", number);
    throw input_error(field_path(name) + " must be " + range + got);
  }
  return number;
}

// An optional integer field within [min, max], or `fallback`.
int integer_in_range(const boost::json::object& obj, const char* name, int min, int max,
                     int fallback) {
  auto* value = optional_field(obj, name);
  if (value == nullptr)
    return fallback;
  auto range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value->is_int64() && !value->is_uint64())
    wrong_type(name, range.c_str(), *value);
  if (!value->is_int64() || value->get_int64() < min || value->get_int64() > max)
    throw input_error(field_path(name) + " must be " + range + ", got "
                      + (value->is_int64() ? std::to_string(value->get_int64()) : "a larger number"));
  return static_cast<int>(value->get_int64());
}

// Loopback by the parsed host, never by its text: an IPv4 address in 127.0.0.0/8,
// the IPv6 address ::1, or exactly the name "localhost" (any case). Names such as
// "127.0.0.1.example.com" or "localhost.evil" are ordinary hosts.
bool is_loopback_host(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name: {
      std::string name(url.host_name());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return name == "localhost";
    }
    default:
      return false;
  }
}

} // namespace

std::string validate_base_url(const std::string& text, const std::string& field) {
  auto parsed = parse_http_url(text);
  if (!parsed)
    throw input_error(field + " must be an absolute URL such as https://host/, got '"
                      + text + "'");
  const auto& url = *parsed;
  std::string scheme(url.scheme());
  if (scheme != "http" && scheme != "https")
    throw input_error(field + " must use http or https, got '" + scheme + "'");
  if (url.encoded_host().empty())
    throw input_error(field + " must name a host");
  if (url.has_userinfo())
    throw input_error(field
                      + " must not contain credentials; use username and password");
  if (url.has_query() || url.has_fragment())
    throw input_error(field + " must not have a query or fragment");
  std::string host(url.encoded_host());
  if (scheme == "http" && !is_loopback_host(url))
    throw input_error(field + " uses plain http for host '" + host
                      + "'; credentials are only sent unencrypted to loopback "
                        "hosts, use https");
  std::string normalized = text;
  if (normalized.back() != '/')
    normalized += '/';
  return normalized;
}

connector_config parse_connector_config(const boost::json::value& json) {
  if (!json.is_object())
    throw input_error(std::string("config must be a JSON object, got ")
                      + json_type_name(json));
  const auto& obj = json.get_object();
  connector_config cfg;

  auto region_name = required_string(obj, "region");
  auto region = parse_region(region_name);
  if (!region)
    throw input_error(field_path("region") + " must be one of \"eu\", \"na\" (alias "
                      "\"us\") or \"oc\", got \"" + region_name + "\"");
  cfg.region = *region;

  if (auto* value = optional_field(obj, "playground")) {
    if (!value->is_bool())
      wrong_type("playground", "true or false", *value);
    cfg.playground = value->get_bool();
  }

  cfg.username = required_string(obj, "username");
  cfg.password = required_string(obj, "password");
  register_credentials(cfg.username, cfg.password);
  // HTTP Basic joins them as "username:password": a ':' in the username would move
  // the split and every request would fail with a puzzling 401.
  if (cfg.username.find(':') != std::string::npos)
    throw input_error(field_path("username")
                      + " must not contain ':' (HTTP Basic authentication cannot carry it); "
                        "use the API username (UID) from the Merchant Portal");

  if (auto start = optional_string(obj, "start_date"); start && !start->empty()) {
    if (!parse_iso8601_epoch_seconds(*start))
      throw input_error(field_path("start_date")
                        + " must be an ISO-8601 date (2024-01-31) or date-time "
                          "(2024-01-31T00:00:00Z), got \"" + *start + "\"");
    cfg.start_date = *start;
  }

  if (auto base = optional_string(obj, "base_url"); base && !base->empty())
    cfg.api_base_url = validate_base_url(*base, field_path("base_url"));
  else
    cfg.api_base_url = klarna_base_url(cfg.region, cfg.playground);

  cfg.page_size = integer_in_range(obj, "page_size", 1, 500, cfg.page_size);
  // The rate must be above 0; the smallest accepted is one request per 1000 s.
  cfg.requests_per_second = number_in_range(obj, "requests_per_second", 0.001, 10000,
                                            cfg.playground ? 50 : 200);
  cfg.rate_window_seconds =
    number_in_range(obj, "rate_window_seconds", 1, 3600, cfg.rate_window_seconds);
  cfg.connect_timeout_seconds =
    number_in_range(obj, "connect_timeout_seconds", 1, 300, cfg.connect_timeout_seconds);
  cfg.request_timeout_seconds =
    number_in_range(obj, "request_timeout_seconds", 1, 3600, cfg.request_timeout_seconds);
  cfg.low_speed_timeout_seconds =
    number_in_range(obj, "low_speed_timeout_seconds", 1, 3600, cfg.low_speed_timeout_seconds);
  cfg.max_attempts = integer_in_range(obj, "max_attempts", 1, 20, cfg.max_attempts);
  cfg.page_deadline_seconds =
    number_in_range(obj, "page_deadline_seconds", 1, 86400, cfg.page_deadline_seconds);
  cfg.max_retry_wait_seconds =
    number_in_range(obj, "max_retry_wait_seconds", 0, 86400, cfg.max_retry_wait_seconds);
  if (auto pem = optional_string(obj, "ca_certificate"); pem && !pem->empty()) {
    if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
      throw input_error(field_path("ca_certificate")
                        + " must hold one or more PEM certificates (-----BEGIN "
                          "CERTIFICATE----- ...), as exported by your proxy or CA");
    cfg.ca_certificate = *pem;
  }

  // Unknown fields are kept out of the way, not refused: Airbyte may pass fields
  // of other connector versions. Commands report them as a warning.
  for (const auto& entry : obj) {
    auto key = std::string(entry.key());
    if (std::find(std::begin(known_fields), std::end(known_fields), key)
        == std::end(known_fields))
      cfg.ignored_fields.push_back(key);
  }
  return cfg;
}

connector_config read_connector_config(const std::string& path) {
  auto json = read_json_file(path, "config");
  try {
    return parse_connector_config(json);
  } catch (const input_error& e) {
    throw input_error(std::string(e.what()) + " (in config file '" + path + "')");
  }
}

} // namespace klarna::config
