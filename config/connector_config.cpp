#include "config/connector_config.hpp"

#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"

#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace klarna::config {

namespace {

const char* const known_fields[] = {"region",    "playground", "username",
                                    "password",  "start_date", "base_url",
                                    "page_size", "requests_per_second",
                                    "rate_window_seconds"};

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

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host == "::1"
         || host.rfind("127.", 0) == 0;
}

} // namespace

std::string validate_base_url(const std::string& text, const std::string& field) {
  auto parsed = boost::urls::parse_absolute_uri(text);
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
  if (scheme == "http" && !is_loopback_host(host))
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

  if (auto* value = optional_field(obj, "page_size")) {
    if (!value->is_int64() && !value->is_uint64())
      wrong_type("page_size", "an integer from 1 to 500", *value);
    auto size = value->is_int64() ? value->get_int64() : -1;
    if (size < 1 || size > 500)
      throw input_error(field_path("page_size") + " must be from 1 to 500, got "
                        + (value->is_int64() ? std::to_string(size) : "a larger number"));
    cfg.page_size = static_cast<int>(size);
  }

  cfg.requests_per_second = cfg.playground ? 50 : 200;
  if (auto* value = optional_field(obj, "requests_per_second")) {
    if (!value->is_number())
      wrong_type("requests_per_second", "a number", *value);
    double rate = value->to_number<double>();
    if (!(rate > 0) || !std::isfinite(rate) || rate > 10000)
      throw input_error(field_path("requests_per_second")
                        + " must be a number above 0 and at most 10000");
    cfg.requests_per_second = rate;
  }

  if (auto* value = optional_field(obj, "rate_window_seconds")) {
    if (!value->is_number())
      wrong_type("rate_window_seconds", "a number", *value);
    double window = value->to_number<double>();
    if (!(window >= 1) || !(window <= 3600))
      throw input_error(field_path("rate_window_seconds") + " must be from 1 to 3600");
    cfg.rate_window_seconds = window;
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
