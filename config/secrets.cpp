#include "config/secrets.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

namespace klarna::config {

namespace {

std::mutex secrets_mutex;
std::vector<std::string>& secrets() {
  static std::vector<std::string> registered;
  return registered;
}

std::string base64(const std::string& text) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::encoded_size(text.size()), '\0');
  out.resize(b64::encode(out.data(), text.data(), text.size()));
  return out;
}

// The text as a JSON string's content, escaped exactly as the output lines escape it.
std::string json_escaped(const std::string& text) {
  auto quoted = boost::json::serialize(boost::json::string(text));
  return quoted.substr(1, quoted.size() - 2);
}

// Every byte outside RFC 3986's unreserved set as %XX, with the given hex digits.
std::string percent_encoded(const std::string& text, const char* hex) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void remember(std::string form) {
  auto& all = secrets();
  if (form.empty() || std::find(all.begin(), all.end(), form) != all.end())
    return;
  all.push_back(std::move(form));
  // Longest first: a form that contains another is replaced whole.
  std::stable_sort(all.begin(), all.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

} // namespace

void register_credentials(const std::string& username, const std::string& password) {
  std::lock_guard<std::mutex> guard(secrets_mutex);
  // A process reads one config: the credentials of the last one are the ones in use.
  secrets().clear();
  remember(password);
  remember(json_escaped(password));
  remember(percent_encoded(password, "0123456789ABCDEF"));
  remember(percent_encoded(password, "0123456789abcdef"));
  remember(base64(username + ":" + password));
}

std::string redact_secrets(std::string text) {
  static const std::string mask = "****";
  std::lock_guard<std::mutex> guard(secrets_mutex);
  for (const auto& secret : secrets())
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + mask.size()))
      text.replace(at, secret.size(), mask);
  return text;
}

} // namespace klarna::config
