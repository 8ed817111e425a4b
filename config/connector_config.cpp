#include "config/connector_config.hpp"

#include "config/config_fields.hpp"
#include "config/credential_checks.hpp"
#include "config/http_url.hpp"
#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"
#include "config/name_suggestions.hpp"
#include "config/secret_reference.hpp"
#include "config/secrets.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <variant>

namespace klarna::config {

namespace {

std::string field_path(const char* name) {
  return std::string("config field '") + name + "'";
}

[[noreturn]] void wrong_type(const config_field& field, const std::string& expected,
                             const boost::json::value& got) {
  throw input_error(field_path(field.name) + " must be " + expected + ", got "
                    + json_type_name(got));
}

std::string range_text(const config_field& field) {
  char text[96];
  std::snprintf(text, sizeof text, "%s from %g to %g",
                std::string(field.type) == "integer" ? "an integer" : "a number",
                *field.minimum, *field.maximum);
  return text;
}

// A string field's value, checked against the field's allowed values. The value
// is quoted only for fields with allowed values, so never for the password.
std::string checked_string(const config_field& field, const boost::json::value& value) {
  if (!value.is_string())
    wrong_type(field, "a string", value);
  std::string text(value.get_string());
  if (field.required && text.empty())
    throw input_error(field_path(field.name) + " must not be empty");
  if (!field.allowed.empty()
      && std::find(field.allowed.begin(), field.allowed.end(), text) == field.allowed.end()) {
    std::string choices;
    for (const char* allowed : field.allowed)
      choices += (choices.empty() ? "\"" : ", \"") + std::string(allowed) + "\"";
    throw input_error(field_path(field.name) + " must be one of " + choices + ", got \"" + text
                      + "\"");
  }
  return text;
}

double checked_number(const config_field& field, const boost::json::value& value) {
  if (!value.is_number())
    wrong_type(field, range_text(field), value);
  double number = value.to_number<double>();
  if (!(number >= *field.minimum) || !(number <= *field.maximum)) {
    char got[48];
    std::snprintf(got, sizeof got, ", got %g", number);
    throw input_error(field_path(field.name) + " must be " + range_text(field) + got);
  }
  return number;
}

int checked_integer(const config_field& field, const boost::json::value& value) {
  if (!value.is_int64() && !value.is_uint64())
    wrong_type(field, range_text(field), value);
  if (!value.is_int64() || value.get_int64() < *field.minimum
      || value.get_int64() > *field.maximum)
    throw input_error(field_path(field.name) + " must be " + range_text(field) + ", got "
                      + (value.is_int64() ? std::to_string(value.get_int64())
                                          : "a larger number"));
  return static_cast<int>(value.get_int64());
}

// Checks `value` against the field's type, bounds and allowed values and stores it
// in `cfg` when the field has a plain target.
void store_field(const config_field& field, const boost::json::value& value,
                 connector_config& cfg) {
  struct storer {
    const config_field& field;
    const boost::json::value& value;
    connector_config& cfg;
    void operator()(std::monostate) const { checked_string(field, value); }
    void operator()(std::string connector_config::*member) const {
      cfg.*member = checked_string(field, value);
    }
    void operator()(std::optional<std::string> connector_config::*member) const {
      auto text = checked_string(field, value);
      cfg.*member = text.empty() ? std::nullopt : std::optional<std::string>(text);
    }
    void operator()(bool connector_config::*member) const {
      if (!value.is_bool())
        wrong_type(field, "true or false", value);
      cfg.*member = value.get_bool();
    }
    void operator()(int connector_config::*member) const {
      cfg.*member = checked_integer(field, value);
    }
    void operator()(double connector_config::*member) const {
      cfg.*member = checked_number(field, value);
    }
  };
  std::visit(storer{field, value, cfg}, field.target);
}

// A present, non-null field, or nullptr.
const boost::json::value* optional_field(const boost::json::object& obj, const char* name) {
  auto* value = obj.if_contains(name);
  return (value == nullptr || value->is_null()) ? nullptr : value;
}

// Every field of the table: required ones present, present ones valid, absent ones
// at their default.
void read_fields(const boost::json::object& obj, connector_config& cfg) {
  for (const auto& field : config_fields()) {
    if (const auto* value = optional_field(obj, field.name))
      store_field(field, *value, cfg);
    else if (field.required)
      throw input_error(field_path(field.name) + " is required");
    else if (*field.default_json != '\0')
      store_field(field, boost::json::parse(field.default_json), cfg);
  }
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
    case boost::urls::host_type::name:
      return lower_case_host_name(url) == "localhost";
    default:
      return false;
  }
}

// libcurl refuses a host name with characters such as '+', '%', '*' or ',' that
// Boost.URL takes as a registered name; a DNS name needs only these.
bool is_dns_name(const boost::urls::url_view& url) {
  if (url.host_type() != boost::urls::host_type::name)
    return true;
  auto name = url.encoded_host();
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
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
  if (!is_dns_name(url))
    throw input_error(field + " has host '" + std::string(url.encoded_host())
                      + "'; a host name is letters, digits, '-', '.' and '_'");
  if (url.has_userinfo())
    throw input_error(field
                      + " must not contain credentials; use username and password");
  if (url.has_query() || url.has_fragment())
    throw input_error(field + " must not have a query or fragment");
  // Boost.URL takes any digits as a port (and wraps its number past 65535); libcurl
  // refuses such a URL.
  auto port = std::string(url.port());
  auto number = port.empty() || port.size() > 5 ? 0 : std::stoul(port);
  if (!port.empty() && (number == 0 || number > 65535))
    throw input_error(field + " has port " + port + "; a port must be a number from 1 to 65535");
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

namespace {

std::vector<std::string> known_field_names() {
  std::vector<std::string> names;
  for (const auto& field : config_fields())
    names.push_back(field.name);
  return names;
}

// Unknown fields are kept out of the way, not refused: Airbyte may pass fields of
// other connector versions (commands report them as a warning). But a name one edit
// away from a known field is a typo that would leave that field at its default and
// silently change what is read ("start_data": the whole history): an error.
void check_unknown_fields(const boost::json::object& obj, connector_config& cfg) {
  for (const auto& entry : obj) {
    std::string name(entry.key());
    if (find_config_field(name) != nullptr)
      continue;
    if (auto meant = closest_name(name, known_field_names(), 1))
      throw input_error("config field '" + name + "' is not known: did you mean '" + meant->name
                        + "'? As written, '" + meant->name + "' would be left at its default");
    cfg.ignored_fields.push_back(name);
  }
}

} // namespace

std::string ignored_field_warning(const std::string& field) {
  auto text = "config field '" + field + "' is not known to this connector and is ignored";
  if (auto meant = closest_name(field, known_field_names(), 2))
    text += "; did you mean '" + meant->name + "'?";
  return text;
}

connector_config parse_connector_config(const boost::json::value& json) {
  if (!json.is_object())
    throw input_error(std::string("config must be a JSON object, got ")
                      + json_type_name(json));
  const auto& obj = json.get_object();
  connector_config cfg;
  read_fields(obj, cfg);
  // What the table's types and bounds cannot say:
  cfg.region = *parse_region(std::string(obj.at("region").get_string()));
  cfg.password = resolve_secret_reference(cfg.password, field_path("password"));
  register_credentials(cfg.username, cfg.password);
  if (cfg.start_date && !parse_iso8601_epoch_seconds(*cfg.start_date))
    throw input_error(field_path("start_date")
                      + " must be an ISO-8601 date (2024-01-31) or date-time "
                        "(2024-01-31T00:00:00Z), got \"" + *cfg.start_date + "\"");
  // Klarna has no settlements from before 2000; an earlier date would only have
  // payout_summaries ask for every month since (and past 1970 not be a date at all).
  if (cfg.start_date && *parse_iso8601_epoch_seconds(*cfg.start_date) < 946684800)
    throw input_error(field_path("start_date") + " must be 2000-01-01 or later (Klarna has "
                      "no settlements before), got \"" + *cfg.start_date + "\"");
  const auto* base = optional_field(obj, "base_url");
  if (base != nullptr && !base->get_string().empty())
    cfg.api_base_url = validate_base_url(std::string(base->get_string()), field_path("base_url"));
  else
    cfg.api_base_url = klarna_base_url(cfg.region, cfg.playground);
  check_credentials(cfg);
  if (optional_field(obj, "requests_per_second") == nullptr)
    cfg.requests_per_second = cfg.playground ? 50 : 200; // Klarna's limits
  if (!cfg.ca_certificate.empty()
      && cfg.ca_certificate.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    throw input_error(field_path("ca_certificate")
                      + " must hold one or more PEM certificates (-----BEGIN "
                        "CERTIFICATE----- ...), as exported by your proxy or CA");

  check_unknown_fields(obj, cfg);
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
