#include "config/credentials.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace klarna::config {

namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

} // namespace

key_environment api_key_environment(const std::string& secret) {
  if (starts_with(secret, "klarna_live_api_"))
    return key_environment::live;
  if (starts_with(secret, "klarna_test_api_"))
    return key_environment::test;
  return key_environment::unknown;
}

credential_form credential_form_of(const std::string& username, const std::string& password) {
  if (username.empty())
    return credential_form::api_key;
  return api_key_environment(password) == key_environment::unknown
           ? credential_form::username_and_password
           : credential_form::api_key_with_uuid;
}

std::string basic_token(const std::string& username, const std::string& password) {
  namespace b64 = boost::beast::detail::base64;
  std::string credentials = username + ":" + password;
  std::string token(b64::encoded_size(credentials.size()), '\0');
  token.resize(b64::encode(token.data(), credentials.data(), credentials.size()));
  return token;
}

std::string authorization_value(const std::string& username, const std::string& password) {
  return "Basic " + (username.empty() ? password : basic_token(username, password));
}

} // namespace klarna::config
