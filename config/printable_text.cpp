#include "config/printable_text.hpp"

#include "config/secrets.hpp"

#include <cstdio>

namespace klarna::config {

namespace {

// The length of the UTF-8 sequence starting at `at`, or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  auto byte = static_cast<unsigned char>(text[at]);
  std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3
                                       : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || at + length > text.size())
    return 0;
  for (std::size_t i = 1; i < length; ++i)
    if ((static_cast<unsigned char>(text[at + i]) & 0xc0) != 0x80)
      return 0;
  return length;
}

void append_hex(std::string& out, const char* format, unsigned value) {
  char escaped[8];
  std::snprintf(escaped, sizeof escaped, format, value);
  out += escaped;
}

} // namespace

std::string printable_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  std::size_t at = 0;
  while (at < text.size() && out.size() < max_bytes) {
    auto byte = static_cast<unsigned char>(text[at]);
    if (byte == '\n' || byte == '\r' || byte == '\t') {
      out += byte == '\n' ? "\\n" : byte == '\r' ? "\\r" : "\\t";
      ++at;
    } else if (byte < 0x20 || byte == 0x7f) {
      append_hex(out, "\\x%02x", byte);
      ++at;
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
      ++at;
    } else if (auto length = utf8_length(text, at); length == 0) {
      append_hex(out, "\\x%02x", byte);
      ++at;
    } else if (length == 2 && byte == 0xc2 && static_cast<unsigned char>(text[at + 1]) < 0xa0) {
      append_hex(out, "\\u%04x", static_cast<unsigned char>(text[at + 1])); // C1 control
      at += 2;
    } else {
      out.append(text.data() + at, length);
      at += length;
    }
  }
  if (at < text.size())
    out += " [" + std::to_string(text.size() - at) + " more bytes cut]";
  return out;
}

std::string text_for_output(std::string text) {
  return printable_text(redact_secrets(std::move(text)));
}

} // namespace klarna::config
