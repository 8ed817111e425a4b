#include "config/secrets.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

// The registry is process-wide, so each case registers credentials of its own.

TEST_CASE("the password is redacted wherever it occurs", "[secrets]") {
  register_credentials("user-a", "s3cr3t-Pw");
  CHECK(redact_secrets("field 'x_s3cr3t-Pw' and s3cr3t-Pws3cr3t-Pw") == "field 'x_****' and ********");
  CHECK(redact_secrets("nothing here") == "nothing here");
}

TEST_CASE("a password with quotes and backslashes is redacted as the JSON output escapes it",
          "[secrets]") {
  register_credentials("user-b", R"(q"uo\te)");
  CHECK(redact_secrets(R"({"message":"bad q\"uo\\te here"})") == R"({"message":"bad **** here"})");
  CHECK(redact_secrets(R"(raw q"uo\te)") == "raw ****");
}

TEST_CASE("a percent-encoded password is redacted in either hex case", "[secrets]") {
  register_credentials("user-c", "p@ss/wörd");
  CHECK(redact_secrets("url?p=p%40ss%2Fw%C3%B6rd&x") == "url?p=****&x");
  CHECK(redact_secrets("url?p=p%40ss%2fw%c3%b6rd&x") == "url?p=****&x");
}

TEST_CASE("the Basic token made from username and password is redacted", "[secrets]") {
  register_credentials("it-user", "Pw-7f3a9c");
  // base64("it-user:Pw-7f3a9c")
  CHECK(redact_secrets("echo: Authorization: Basic aXQtdXNlcjpQdy03ZjNhOWM=")
        == "echo: Authorization: Basic ****");
}

TEST_CASE("a password of three characters is redacted too", "[secrets]") {
  register_credentials("user-d", "z9#");
  CHECK(redact_secrets("got z9# back") == "got **** back");
}

TEST_CASE("an API key sent alone is redacted in the header and every encoding", "[secrets]") {
  register_credentials("", "klarna_test_api_a+b/c");
  CHECK(redact_secrets("you sent Basic klarna_test_api_a+b/c") == "you sent Basic ****");
  CHECK(redact_secrets("q=klarna_test_api_a%2Bb%2Fc") == "q=****");
  CHECK(redact_secrets("q=klarna_test_api_a%2bb%2fc") == "q=****");
}

TEST_CASE("an API key pasted into the username is redacted too", "[secrets]") {
  register_credentials("klarna_live_api_k3y", "p");
  CHECK(redact_secrets("user klarna_live_api_k3y") == "user ****");
  // An ordinary username is not a secret.
  register_credentials("K123456_abcdef", "p4ss");
  CHECK(redact_secrets("user K123456_abcdef") == "user K123456_abcdef");
}
