#include "http/klarna_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace klarna::http {

std::string describe_error_response(long status, const std::string& body) {
  std::string text = "HTTP " + std::to_string(status);
  boost::system::error_code ec;
  auto json = boost::json::parse(body, ec);
  if (ec || !json.is_object())
    return text;
  const auto& obj = json.get_object();
  if (auto* code = obj.if_contains("error_code"); code && code->is_string())
    text += " " + std::string(code->get_string());
  if (auto* messages = obj.if_contains("error_messages"); messages && messages->is_array()) {
    std::string joined;
    for (const auto& message : messages->get_array())
      if (message.is_string())
        joined += (joined.empty() ? "" : "; ") + std::string(message.get_string());
    if (!joined.empty())
      text += ": " + joined;
  }
  if (auto* id = obj.if_contains("correlation_id"); id && id->is_string())
    text += " (correlation_id " + std::string(id->get_string()) + ")";
  return text;
}

namespace {

std::string unauthorized_advice(config::credential_form credentials) {
  switch (credentials) {
    case config::credential_form::api_key:
      return "Klarna rejected the API key. Check that it is the whole key from the Merchant "
             "Portal (Settings > API keys), that it has not been revoked, and that region and "
             "playground match the account it belongs to (a klarna_test_api_ key works only in "
             "the playground, a klarna_live_api_ key only in production).";
    case config::credential_form::api_key_with_uuid:
      return "Klarna rejected the username and API key. The username must be the UUID Klarna "
             "showed when this key was created: check it, or leave username empty to send the "
             "key alone. Check the key too (Merchant Portal, Settings > API keys) and that "
             "region and playground match its account.";
    case config::credential_form::username_and_password:
      break;
  }
  return "Klarna rejected the username or password. Check the API credentials (UID and "
         "password from the Merchant Portal) and that region and playground match the account "
         "they belong to. An API key goes in password, with username left empty.";
}

} // namespace

std::string advice_for_status(long status, config::credential_form credentials) {
  switch (status) {
    case 401:
      return unauthorized_advice(credentials);
    case 403:
      return "The credentials are valid but not allowed to read settlements. Ask the "
             "account owner to grant the Settlements API to this API user.";
    case 404:
      return "The Settlements API was not found at the configured host. Check region, "
             "playground and base_url.";
    default:
      if (status >= 400 && status < 500)
        return "Klarna refused the request. Check the configuration (start_date, page_size).";
      return "Klarna's API answered with an error; try again later.";
  }
}

config::failure_type failure_for_status(long status) {
  if (status >= 400 && status < 500 && status != 408 && status != 429)
    return config::failure_type::config_error;
  if (is_retryable_status(status))
    return config::failure_type::transient_error;
  return config::failure_type::system_error;
}

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status < 600);
}

} // namespace klarna::http
