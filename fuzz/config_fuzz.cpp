// Any bytes as a config file: a connector_config or an input_error, nothing else.
// And what the validator promises of base_url, checked with libcurl's own URL
// parser (curl makes the requests, not Boost.URL): libcurl can use it, and plain
// http goes only to a loopback host, so credentials never cross a network in clear.
#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

struct url_cleanup {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// The host libcurl would connect to for `url`, lower case; empty if it cannot say.
std::string curl_host(const std::string& url) {
  std::unique_ptr<CURLU, url_cleanup> parsed(curl_url());
  char* host = nullptr;
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK
      || curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
    return "";
  std::string text(host);
  curl_free(host);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "[::1]")
    return true;
  // 127.a.b.c with nothing after the address.
  unsigned parts[4];
  char rest = 0;
  return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &parts[0], &parts[1], &parts[2], &parts[3],
                     &rest) == 4
         && parts[0] == 127 && parts[1] < 256 && parts[2] < 256 && parts[3] < 256;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  klarna::config::connector_config config;
  try {
    config = klarna::config::parse_connector_config(klarna::config::parse_json_text(text, "config"));
  } catch (const klarna::config::input_error&) {
    return 0;
  }
  auto host = curl_host(config.api_base_url);
  if (host.empty())
    std::abort(); // accepted, but libcurl cannot use it: every request would fail
  if (config.api_base_url.rfind("http://", 0) == 0 && !is_loopback(host))
    std::abort(); // cleartext credentials to a host that is not this machine
  return 0;
}
