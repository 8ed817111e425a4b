#include "config/secrets.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

TEST_CASE("registered secrets are redacted wherever they occur", "[secrets]") {
  register_secret("s3cr3t-Pw");
  CHECK(redact_secrets("field 'x_s3cr3t-Pw' and s3cr3t-Pws3cr3t-Pw") == "field 'x_****' and ********");
  CHECK(redact_secrets("nothing here") == "nothing here");
}

TEST_CASE("secrets too short to tell from ordinary text are left alone", "[secrets]") {
  register_secret("abc");
  CHECK(redact_secrets("abc abcdef") == "abc abcdef");
}
