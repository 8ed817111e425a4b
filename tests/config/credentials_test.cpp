#include "config/credentials.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

TEST_CASE("an API key alone goes in the Authorization header as it is", "[credentials]") {
  CHECK(authorization_value("", "klarna_live_api_abc") == "Basic klarna_live_api_abc");
}

TEST_CASE("a username makes the HTTP Basic form of username:password", "[credentials]") {
  // base64("it-user:Pw-7f3a9c")
  CHECK(authorization_value("it-user", "Pw-7f3a9c") == "Basic aXQtdXNlcjpQdy03ZjNhOWM=");
  CHECK(basic_token("it-user", "Pw-7f3a9c") == "aXQtdXNlcjpQdy03ZjNhOWM=");
}

TEST_CASE("a key's environment is read from its prefix", "[credentials]") {
  CHECK(api_key_environment("klarna_live_api_x") == key_environment::live);
  CHECK(api_key_environment("klarna_test_api_x") == key_environment::test);
  CHECK(api_key_environment("xklarna_test_api_x") == key_environment::unknown);
  CHECK(api_key_environment("klarna_test_ap") == key_environment::unknown);
  CHECK(api_key_environment("password") == key_environment::unknown);
}

TEST_CASE("the credential form follows the username and the key prefix", "[credentials]") {
  CHECK(credential_form_of("", "anything") == credential_form::api_key);
  CHECK(credential_form_of("uuid", "klarna_test_api_x") == credential_form::api_key_with_uuid);
  CHECK(credential_form_of("K1_ab", "secret") == credential_form::username_and_password);
}
