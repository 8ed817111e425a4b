#include "config/printable_text.hpp"
#include "config/secrets.hpp"

#include <catch2/catch.hpp>

using klarna::config::printable_text;

TEST_CASE("control characters from outside are shown as escapes", "[printable]") {
  CHECK(printable_text("ok\r\nsource-klarna: read finished") == "ok\\r\\nsource-klarna: read finished");
  CHECK(printable_text("\x1b[31mred\x1b[0m\t\x07") == "\\x1b[31mred\\x1b[0m\\t\\x07");
  CHECK(printable_text(std::string("nul\0x", 5)) == "nul\\x00x");
  CHECK(printable_text("del\x7f") == "del\\x7f");
  // C1 controls (U+009B is a CSI to some terminals) and bytes that are not UTF-8.
  CHECK(printable_text("\xc2\x9b" "2J") == "\\u009b2J");
  CHECK(printable_text("bad \xff\xc3") == "bad \\xff\\xc3");
  // Text that is fine stays as it is, UTF-8 included.
  CHECK(printable_text("Müller – 東京 ✓") == "Müller – 東京 ✓");
}

TEST_CASE("long text is cut at a character boundary and says how much was cut", "[printable]") {
  std::string long_text(10'000'000, 'a');
  auto shown = printable_text(long_text, 100);
  CHECK(shown == std::string(100, 'a') + " [9999900 more bytes cut]");
  CHECK(printable_text("ééé", 3) == "éé [2 more bytes cut]");
}

TEST_CASE("output text is redacted, then made printable", "[printable]") {
  klarna::config::register_credentials("user", "s3cr\nt");
  CHECK(klarna::config::text_for_output("password s3cr\nt\x1b") == "password ****\\x1b");
  klarna::config::register_credentials("user", "unused-secret");
}
