#include "config/secrets.hpp"

#include "config/credentials.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

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

// The text as a JSON string's content, escaped exactly as the output lines escape it.
std::string json_escaped(const std::string& text) {
  auto quoted = boost::json::serialize(boost::json::string(text));
  return quoted.substr(1, quoted.size() - 2);
}

// Every byte outside RFC 3986's unreserved set as %XX (upper-case hex, as the
// request URLs are encoded).
std::string percent_encoded(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// The same with lower-case hex digits, which other encoders write.
std::string with_lower_case_hex(std::string encoded) {
  for (auto at = encoded.find('%'); at != std::string::npos; at = encoded.find('%', at + 3))
    for (std::size_t i = at + 1; i < at + 3 && i < encoded.size(); ++i)
      encoded[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(encoded[i])));
  return encoded;
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

// The secret as is and in every encoding that output could give it.
void remember_every_form(const std::string& secret) {
  remember(secret);
  remember(json_escaped(secret));
  remember(percent_encoded(secret));
  remember(with_lower_case_hex(percent_encoded(secret)));
}

} // namespace

void register_credentials(const std::string& username, const std::string& password) {
  std::lock_guard<std::mutex> guard(secrets_mutex);
  // A process reads one config: the credentials of the last one are the ones in use.
  secrets().clear();
  remember_every_form(password);
  if (!username.empty())
    remember(basic_token(username, password));
  // An API key pasted into the username field (the config refuses it) is a secret too.
  if (api_key_environment(username) != key_environment::unknown)
    remember_every_form(username);
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
