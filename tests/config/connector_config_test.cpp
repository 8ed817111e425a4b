#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"
#include "config/name_suggestions.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace klarna::config;

namespace {

connector_config parse(const std::string& text) {
  return parse_connector_config(parse_json_text(text, "test config"));
}

// The error message of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("a minimal config gets production defaults", "[config]") {
  auto cfg = parse(R"({"region":"eu","username":"u","password":"p"})");
  CHECK(cfg.api_base_url == "https://api.klarna.com/");
  CHECK_FALSE(cfg.playground);
  CHECK(cfg.page_size == 500);
  CHECK(cfg.requests_per_second == 200);
  CHECK_FALSE(cfg.start_date);
}

TEST_CASE("the playground defaults to a quarter of the budget and its own host", "[config]") {
  auto cfg = parse(R"({"region":"na","playground":true,"username":"u","password":"p"})");
  CHECK(cfg.api_base_url == "https://api-na.playground.klarna.com/");
  CHECK(cfg.requests_per_second == 50);
}

TEST_CASE("explicit settings are taken", "[config]") {
  auto cfg = parse(R"({"region":"oc","username":"u","password":"p","start_date":"2024-02-29",
                       "base_url":"http://127.0.0.1:8099","page_size":20,"requests_per_second":12.5})");
  CHECK(cfg.api_base_url == "http://127.0.0.1:8099/"); // trailing slash added
  CHECK(cfg.page_size == 20);
  CHECK(cfg.requests_per_second == 12.5);
  CHECK(cfg.start_date == std::optional<std::string>("2024-02-29"));
}

TEST_CASE("each bad field is named with what was expected", "[config]") {
  CHECK_THAT(error_of(R"([1])"), Catch::Contains("must be a JSON object"));
  CHECK_THAT(error_of(R"({"username":"u","password":"p"})"),
             Catch::Contains("'region' is required"));
  CHECK_THAT(error_of(R"({"region":"xx","username":"u","password":"p"})"),
             Catch::Contains("'region' must be one of") && Catch::Contains("\"xx\""));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u"})"),
             Catch::Contains("'password' is required"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","playground":"yes"})"),
             Catch::Contains("'playground' must be true or false, got string"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","page_size":0})"),
             Catch::Contains("'page_size' must be an integer from 2 to 500, got 0"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","page_size":501})"),
             Catch::Contains("'page_size' must be an integer from 2 to 500, got 501"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","page_size":2.5})"),
             Catch::Contains("'page_size' must be an integer"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","start_date":"yesterday"})"),
             Catch::Contains("'start_date' must be an ISO-8601 date"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","start_date":"0001-01-01"})"),
             Catch::Contains("'start_date' must be 2000-01-01 or later"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","start_date":"1999-12-31T23:59:59Z"})"),
             Catch::Contains("'start_date' must be 2000-01-01 or later"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","requests_per_second":0})"),
             Catch::Contains("'requests_per_second' must be a number from 0.001 to 10000, got 0"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","request_timeout_seconds":"9"})"),
             Catch::Contains("'request_timeout_seconds' must be a number from 1 to 3600, got string"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","max_attempts":0})"),
             Catch::Contains("'max_attempts' must be an integer from 1 to 20, got 0"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","connect_timeout_seconds":1e9})"),
             Catch::Contains("'connect_timeout_seconds' must be a number from 1 to 300, got 1e+09"));
}

TEST_CASE("timeouts, attempts and the page deadline have defaults and can be set", "[config]") {
  auto defaults = parse(R"({"region":"eu","username":"u","password":"p"})");
  CHECK(defaults.connect_timeout_seconds == 10);
  CHECK(defaults.request_timeout_seconds == 120);
  CHECK(defaults.low_speed_timeout_seconds == 15);
  CHECK(defaults.max_attempts == 6);
  CHECK(defaults.page_deadline_seconds == 900);
  CHECK(defaults.max_retry_wait_seconds == 600);
  CHECK(defaults.ca_certificate.empty());
  auto set = parse(R"({"region":"eu","username":"u","password":"p","connect_timeout_seconds":2,
                       "request_timeout_seconds":1.5,"low_speed_timeout_seconds":3,
                       "max_attempts":9,"page_deadline_seconds":60})");
  CHECK(set.connect_timeout_seconds == 2);
  CHECK(set.request_timeout_seconds == 1.5);
  CHECK(set.low_speed_timeout_seconds == 3);
  CHECK(set.max_attempts == 9);
  CHECK(set.page_deadline_seconds == 60);
  CHECK(set.ignored_fields.empty());
}

TEST_CASE("a wrongly typed password is reported without its value", "[config]") {
  auto message = error_of(R"({"region":"eu","username":"u","password":123456789})");
  CHECK_THAT(message, Catch::Contains("'password' must be a string, got integer"));
  CHECK_THAT(message, !Catch::Contains("123456789"));
}

TEST_CASE("plain http is refused for hosts other than loopback", "[config]") {
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"http://proxy.example.com/"})"),
             Catch::Contains("plain http") && Catch::Contains("proxy.example.com"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"ftp://x/"})"),
             Catch::Contains("http or https"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"https://a:b@x/"})"),
             Catch::Contains("must not contain credentials"));
  CHECK(parse(R"({"region":"eu","username":"u","password":"p","base_url":"https://proxy.example.com/k/"})")
          .api_base_url == "https://proxy.example.com/k/");
  CHECK(parse(R"({"region":"eu","username":"u","password":"p","base_url":"http://localhost:1/"})")
          .api_base_url == "http://localhost:1/");
}

TEST_CASE("loopback is decided on the parsed host, not on its text", "[config]") {
  auto with_base = [](const std::string& url) {
    return R"({"region":"eu","username":"u","password":"p","base_url":")" + url + R"("})";
  };
  for (const char* url : {"http://127.0.0.1:8099/", "http://127.255.3.4/", "http://[::1]:80/",
                          "http://localhost/", "http://LocalHost:1/"}) {
    INFO(url);
    CHECK(error_of(with_base(url)).empty());
  }
  // Refused outright: Boost.URL 1.81 would read host 127.0.0.1 here, curl would not.
  CHECK_THAT(error_of(with_base("http://127.0.0.1.evil.invalid:18080/")),
             Catch::Contains("'base_url' must be an absolute URL"));
  for (const char* url : {"http://127.attacker.example/", "http://localhost.evil/", "http://evil-localhost/", "http://128.0.0.1/",
                          "http://[::2]/", "http://[::ffff:8.8.8.8]/", "http://0.0.0.0/",
                          "http://127.1/"}) {
    INFO(url);
    CHECK_THAT(error_of(with_base(url)), Catch::Contains("plain http"));
  }
}

TEST_CASE("a base_url port beyond what libcurl takes is refused", "[config]") {
  // Found by the config fuzz target (fuzz/regressions/config/port-beyond-65535.json).
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"http://127.0.0.1:80800/"})"),
             Catch::Contains("'base_url' has port 80800")
               && Catch::Contains("a number from 1 to 65535"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"https://x:0/"})"),
             Catch::Contains("has port 0"));
  CHECK(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"https://x:65535/"})")
          .empty());
}

TEST_CASE("a base_url host name with characters libcurl refuses is refused", "[config]") {
  // Found by the config fuzz target (fuzz/regressions/config/plus-in-host-name.json).
  for (const char* host : {"063.0+0.1.evil.invalid", "a%41b.example", "a,b.example", "a*b.example"}) {
    INFO(host);
    CHECK_THAT(error_of(std::string(R"({"region":"eu","username":"u","password":"p","base_url":"https://)")
                        + host + R"(:8099/"})"),
               Catch::Contains("'base_url' has host '") && Catch::Contains("letters, digits"));
  }
  CHECK(error_of(R"({"region":"eu","username":"u","password":"p","base_url":"https://api_1.eu-west.example.com/"})")
          .empty());
}


TEST_CASE("the retry wait cap and a CA certificate can be set", "[config]") {
  auto cfg = parse(R"({"region":"eu","username":"u","password":"p","max_retry_wait_seconds":30,
                       "ca_certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"})");
  CHECK(cfg.max_retry_wait_seconds == 30);
  CHECK_THAT(cfg.ca_certificate, Catch::StartsWith("-----BEGIN CERTIFICATE-----\n"));
  CHECK_THAT(error_of(R"({"region":"eu","username":"u","password":"p","ca_certificate":"/etc/ssl/ca.pem"})"),
             Catch::Contains("'ca_certificate' must hold one or more PEM certificates"));
}

TEST_CASE("unknown fields are ignored and listed", "[config]") {
  auto cfg = parse(R"({"region":"eu","username":"u","password":"p","colour":"blue"})");
  REQUIRE(cfg.ignored_fields.size() == 1);
  CHECK(cfg.ignored_fields[0] == "colour");
  CHECK(ignored_field_warning("colour")
        == "config field 'colour' is not known to this connector and is ignored");
}

TEST_CASE("a field one edit away from a known one is an error that names it", "[config]") {
  for (const char* typo : {"start_data", "start_dat", "sstart_date", "satrt_date"})
    CHECK_THAT(error_of(std::string(R"({"region":"eu","username":"u","password":"p",")") + typo
                        + R"(":"2023-01-01"})"),
               Catch::Contains(std::string("config field '") + typo
                               + "' is not known: did you mean 'start_date'?")
                 && Catch::Contains("left at its default"));
  // Two edits away: still ignored (Airbyte may pass other versions' fields), with a hint.
  auto cfg = parse(R"({"region":"eu","username":"u","password":"p","strat_dte":"x"})");
  CHECK(cfg.ignored_fields == std::vector<std::string>{"strat_dte"});
  CHECK_THAT(ignored_field_warning("strat_dte"), Catch::EndsWith("did you mean 'start_date'?"));
}

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[config]") {
  CHECK(edit_distance("start_date", "start_date") == 0);
  CHECK(edit_distance("start_data", "start_date") == 1);
  CHECK(edit_distance("satrt_date", "start_date") == 1);
  CHECK(edit_distance("region", "") == 6);
  CHECK(edit_distance("", "") == 0);
  CHECK_FALSE(closest_name("colour", {"region", "username"}, 2));
}

TEST_CASE("ISO-8601 dates are checked against the calendar", "[config]") {
  CHECK(parse_iso8601_epoch_seconds("2024-02-29"));
  CHECK(parse_iso8601_epoch_seconds("2024-01-31T23:59:59Z"));
  CHECK(parse_iso8601_epoch_seconds("2024-01-31T10:00:00.123+01:00"));
  CHECK(parse_iso8601_epoch_seconds("1970-01-02") == 86400);
  CHECK(parse_iso8601_epoch_seconds("1970-01-01T01:00:00+01:00") == 0);
  CHECK_FALSE(parse_iso8601_epoch_seconds("2023-02-29"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-13-01"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-01-31T24:00:00Z"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-01-31T10:00:00")); // no zone
  CHECK_FALSE(parse_iso8601_epoch_seconds("31.01.2024"));
  // Zone offsets: at most 14 hours, minutes below 60.
  CHECK(parse_iso8601_epoch_seconds("2024-01-01T00:00:00+14:00"));
  CHECK(parse_iso8601_epoch_seconds("2024-01-01T00:00:00-12:00"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-01-01T00:00:00+25:99"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-01-01T00:00:00+15:00"));
  CHECK_FALSE(parse_iso8601_epoch_seconds("2024-01-01T00:00:00+01:60"));
}

TEST_CASE("a config file that is missing or not JSON names the file", "[config]") {
  CHECK_THROWS_WITH(read_connector_config("/nonexistent/config.json"),
                    Catch::Contains("cannot read config file '/nonexistent/config.json'"));
  CHECK_THROWS_WITH(parse_json_text("{\"region\": ", "config file 'x.json'"),
                    Catch::Contains("config file 'x.json' is not valid JSON")
                      && Catch::Contains("line 1"));
}

TEST_CASE("the password may come from an environment variable or a file", "[config]") {
  ::setenv("SOURCE_KLARNA_TEST_KEY", "klarna_test_api_from-env", 1);
  auto from_env = parse(R"({"region":"eu","playground":true,"password":"env:SOURCE_KLARNA_TEST_KEY"})");
  CHECK(from_env.password == "klarna_test_api_from-env");

  auto path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp")
              + "/source-klarna-test-key";
  {
    std::ofstream file(path);
    file << "klarna_test_api_from-file\n";
  }
  auto from_file = parse(R"({"region":"eu","playground":true,"password":"file:)" + path + R"("})");
  CHECK(from_file.password == "klarna_test_api_from-file");
  std::remove(path.c_str());

  ::unsetenv("SOURCE_KLARNA_NO_SUCH_KEY");
  CHECK_THAT(error_of(R"({"region":"eu","password":"env:SOURCE_KLARNA_NO_SUCH_KEY"})"),
             Catch::Contains("'password' refers to environment variable "
                             "'SOURCE_KLARNA_NO_SUCH_KEY', which is not set"));
  CHECK_THAT(error_of(R"({"region":"eu","password":"file:/no/such/key"})"),
             Catch::Contains("refers to file '/no/such/key', which cannot be read"));
}
