// Klarna's two credentials in the config: an API key (alone or with its UUID) and
// the older username and password; what is refused before any request, and that
// no message carries the secret.
#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

namespace {

const std::string test_key = "klarna_test_api_T3stK3y-9f2b";
const std::string live_key = "klarna_live_api_L1veK3y-4c7d";

connector_config parse(const std::string& text) {
  return parse_connector_config(parse_json_text(text, "test config"));
}

// The error of a config with `fields` added to {"region":"eu"}, or "" when it parses.
std::string error_with(const std::string& fields) {
  try {
    parse(R"({"region":"eu",)" + fields + "}");
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("an API key alone is a complete credential", "[config][credentials]") {
  auto cfg = parse(R"({"region":"eu","password":")" + live_key + R"("})");
  CHECK(cfg.username.empty());
  CHECK(cfg.password == live_key);
  CHECK(error_with(R"("username":"","password":")" + live_key + R"(")").empty());
}

TEST_CASE("a key with its UUID, and a username with a password, are taken", "[config][credentials]") {
  CHECK(error_with(R"("username":"7d3c8a52-1f4e-4b6a-9c0d-2e5f8a9b1c3d","password":")" + live_key
                   + R"(")").empty());
  CHECK(error_with(R"("username":"K123456_abcdef","password":"p w\u00e9")").empty());
}

TEST_CASE("the password is required and not empty", "[config][credentials]") {
  CHECK_THAT(error_with(R"("username":"u")"), Catch::Contains("'password' is required"));
  CHECK_THAT(error_with(R"("password":"")"), Catch::Contains("'password' must not be empty"));
}

TEST_CASE("a key sent alone must fit the Authorization header line", "[config][credentials]") {
  for (const char* bad : {R"(key with space)", R"(key\r\nX-Injected: 1)", R"(k\u00e9y)"}) {
    auto message = error_with(std::string(R"("password":")") + bad + "\"");
    CHECK_THAT(message, Catch::Contains("'password' is sent as the API key itself")
                          && Catch::Contains("'username'"));
    CHECK_THAT(message, !Catch::Contains("key with") && !Catch::Contains("Injected"));
  }
}

TEST_CASE("a username with ':' cannot be sent by Basic auth and is refused", "[config][credentials]") {
  CHECK_THAT(error_with(R"("username":"K1:x","password":"p")"),
             Catch::Contains("'username' must not contain ':'"));
}

TEST_CASE("an API key in the username field is refused without being shown", "[config][credentials]") {
  auto message = error_with(R"("username":")" + test_key + R"(","password":"p")");
  CHECK_THAT(message, Catch::Contains("'username' holds a Klarna API key")
                        && Catch::Contains("put the key in 'password'"));
  CHECK_THAT(message, !Catch::Contains("T3stK3y"));
}

TEST_CASE("a test key is refused against production, before any request", "[config][credentials]") {
  auto message = error_with(R"("password":")" + test_key + R"(")");
  CHECK_THAT(message, Catch::Contains("'password' is a Klarna test API key")
                        && Catch::Contains("production (https://api.klarna.com/)")
                        && Catch::Contains("\"playground\": true"));
  CHECK_THAT(message, !Catch::Contains("T3stK3y"));
  // A production host named in base_url, in any case and with its trailing dot.
  CHECK_THAT(error_with(R"("password":")" + test_key
                        + R"(","base_url":"https://API-NA.Klarna.com./")"),
             Catch::Contains("test API key"));
  // With username (its UUID) the same.
  CHECK_THAT(error_with(R"("username":"uuid","password":")" + test_key + R"(")"),
             Catch::Contains("test API key"));
}

TEST_CASE("a live key is refused against the playground, before any request", "[config][credentials]") {
  auto message = error_with(R"("playground":true,"password":")" + live_key + R"(")");
  CHECK_THAT(message, Catch::Contains("'password' is a Klarna live API key")
                        && Catch::Contains("playground (https://api.playground.klarna.com/)")
                        && Catch::Contains("\"playground\": false"));
  CHECK_THAT(message, !Catch::Contains("L1veK3y"));
  // A playground host in base_url says so even with playground false.
  CHECK_THAT(error_with(R"("password":")" + live_key
                        + R"(","base_url":"https://api-oc.playground.klarna.com/")"),
             Catch::Contains("live API key"));
  // A proxy with playground true is the playground.
  CHECK_THAT(error_with(R"("playground":true,"password":")" + live_key
                        + R"(","base_url":"https://proxy.example.com/klarna/")"),
             Catch::Contains("live API key"));
}

TEST_CASE("keys that match their environment, or an unknown host, are taken", "[config][credentials]") {
  CHECK(error_with(R"("playground":true,"password":")" + test_key + R"(")").empty());
  CHECK(error_with(R"("password":")" + live_key + R"(")").empty());
  // A proxy or the sandbox with playground false: the environment is not known.
  CHECK(error_with(R"("password":")" + test_key + R"(","base_url":"http://127.0.0.1:8099/")").empty());
  CHECK(error_with(R"("password":")" + live_key + R"(","base_url":"https://proxy.example.com/")").empty());
  // A host that only ends like Klarna's is not Klarna's.
  CHECK(error_with(R"("password":")" + test_key + R"(","base_url":"https://notklarna.com/")").empty());
  // Without the exact prefix a key is sent as given.
  CHECK(error_with(R"("password":"KLARNA_TEST_API_x")").empty());
}
