#include "config/credential_checks.hpp"

#include "config/credentials.hpp"
#include "config/http_url.hpp"
#include "config/input_error.hpp"

#include <algorithm>

namespace klarna::config {

namespace {

enum class environment { production, playground, unknown };

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size()
         && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Klarna's hosts say which environment they serve; any other host (a proxy, the
// sandbox) is the playground when the config says so, else not known.
environment environment_of(const connector_config& cfg) {
  std::string host;
  if (auto url = parse_http_url(cfg.api_base_url))
    host = lower_case_host_name(*url);
  if (!host.empty() && host.back() == '.')
    host.pop_back();
  if (host == "klarna.com" || ends_with(host, ".klarna.com"))
    return ends_with(host, ".playground.klarna.com") ? environment::playground
                                                     : environment::production;
  return cfg.playground ? environment::playground : environment::unknown;
}

// Sent alone, the key is the Authorization header's text as is: anything but
// visible ASCII would break the header line (or add one).
bool fits_a_header(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

void check_username(const std::string& username) {
  // HTTP Basic joins them as "username:password": a ':' in the username would move
  // the split and every request would fail with a puzzling 401.
  if (username.find(':') != std::string::npos)
    throw input_error("config field 'username' must not contain ':' (HTTP Basic "
                      "authentication cannot carry it); use the UUID shown with your API "
                      "key, or the API username (UID) from the Merchant Portal");
  if (api_key_environment(username) != key_environment::unknown)
    throw input_error("config field 'username' holds a Klarna API key; put the key in "
                      "'password' and leave 'username' empty (or set it to the UUID Klarna "
                      "showed when the key was created)");
}

void check_key_environment(const connector_config& cfg) {
  auto key = api_key_environment(cfg.password);
  auto target = environment_of(cfg);
  if (key == key_environment::test && target == environment::production)
    throw input_error("config field 'password' is a Klarna test API key (klarna_test_api_...), "
                      "which works only in the playground, but the config reads from "
                      "production (" + cfg.api_base_url + "); set \"playground\": true, or use "
                      "a klarna_live_api_ key from the production Merchant Portal");
  if (key == key_environment::live && target == environment::playground)
    throw input_error("config field 'password' is a Klarna live API key (klarna_live_api_...), "
                      "which works only in production, but the config reads from the "
                      "playground (" + cfg.api_base_url + "); set \"playground\": false, or use "
                      "a klarna_test_api_ key from the playground Merchant Portal");
}

} // namespace

void check_credentials(const connector_config& cfg) {
  check_username(cfg.username);
  if (cfg.username.empty() && !fits_a_header(cfg.password))
    throw input_error("config field 'password' is sent as the API key itself when 'username' "
                      "is empty, so it must be printable ASCII without spaces; a password "
                      "needs its username in 'username'");
  check_key_environment(cfg);
}

} // namespace klarna::config
