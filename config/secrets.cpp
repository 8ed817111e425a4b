#include "config/secrets.hpp"

#include <mutex>
#include <vector>

namespace klarna::config {

namespace {

std::mutex secrets_mutex;
std::vector<std::string>& secrets() {
  static std::vector<std::string> registered;
  return registered;
}

} // namespace

void register_secret(const std::string& secret) {
  if (secret.size() < 4)
    return;
  std::lock_guard<std::mutex> guard(secrets_mutex);
  secrets().push_back(secret);
}

std::string redact_secrets(std::string text) {
  std::lock_guard<std::mutex> guard(secrets_mutex);
  for (const auto& secret : secrets())
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4))
      text.replace(at, secret.size(), "****");
  return text;
}

} // namespace klarna::config
