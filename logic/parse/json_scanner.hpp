#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "logic/parse/string_scan.hpp"

namespace klarna::logic {

/// A strict JSON reader in one pass, for the pages the page parser reads hundreds of
/// thousands of records a second from: it validates and reports events like a SAX
/// parser, plus where each object starts and ends and how much whitespace it has
/// skipped, so the parser can copy a record's bytes without walking them again.
///
/// It only ever accepts what boost::json::parse accepts (with max_depth 32), with
/// the same events; it may refuse more: exponents of more than 9 digits, numbers of
/// more than 1,000 characters. The page parser hands whatever it refuses to the Boost
/// parser, which names the error or accepts. fuzz/page_parser_fuzz.cpp checks that
/// every page it accepts reads the same through Boost.
///
/// The handler gets object_begin(offset, blanks), object_end(offset_past, blanks),
/// array_begin(), array_end(), key(text), string(text), integer(value) for a
/// non-negative integer of at most 18 digits, other_number() for any other number,
/// boolean() and null(). `blanks` counts the whitespace bytes skipped
/// outside strings so far; texts have their escapes decoded.
template <class Handler>
class json_scanner {
public:
  static constexpr std::size_t max_depth = 32; // boost::json::parse_options' default

  json_scanner(std::string_view text, Handler& handler)
    : begin_(text.data()), at_(text.data()), end_(text.data() + text.size()), handler_(handler) {}

  /// True when the text is one JSON value, then only whitespace, and the handler has
  /// had all its events; false when it refuses the text.
  bool scan() {
    bool in_object[max_depth];
    std::size_t depth = 0;
    enum class next { value, key, after_value } expect = next::value;
    skip_whitespace();
    for (;;) {
      switch (expect) {
        case next::value:
          if (at_ == end_)
            return false;
          if (*at_ == '{' || *at_ == '[') {
            if (depth == max_depth)
              return false;
            bool object = *at_ == '{';
            if (object)
              handler_.object_begin(offset(), blanks_);
            else
              handler_.array_begin();
            in_object[depth++] = object;
            ++at_;
            skip_whitespace();
            if (at_ < end_ && *at_ == (object ? '}' : ']')) {
              close(in_object[--depth]);
              expect = next::after_value;
            } else {
              expect = object ? next::key : next::value;
            }
            continue;
          }
          if (!scalar())
            return false;
          expect = next::after_value;
          continue;
        case next::key: {
          std::string_view key;
          if (at_ == end_ || *at_ != '"' || !read_string(key))
            return false;
          handler_.key(key);
          skip_whitespace();
          if (at_ == end_ || *at_ != ':')
            return false;
          ++at_;
          skip_whitespace();
          expect = next::value;
          continue;
        }
        case next::after_value:
          skip_whitespace();
          if (depth == 0)
            return at_ == end_;
          if (at_ == end_)
            return false;
          if (*at_ == ',') {
            ++at_;
            skip_whitespace();
            expect = in_object[depth - 1] ? next::key : next::value;
          } else if (*at_ == (in_object[depth - 1] ? '}' : ']')) {
            close(in_object[--depth]);
          } else {
            return false;
          }
          continue;
      }
    }
  }

private:
  std::size_t offset() const { return static_cast<std::size_t>(at_ - begin_); }

  // At the closing bracket of an object or array.
  void close(bool object) {
    ++at_;
    if (object)
      handler_.object_end(offset(), blanks_);
    else
      handler_.array_end();
  }

  void skip_whitespace() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) {
      ++at_;
      ++blanks_;
    }
  }

  // A string, number or literal at at_.
  bool scalar() {
    switch (*at_) {
      case '"': {
        std::string_view text;
        if (!read_string(text))
          return false;
        handler_.string(text);
        return true;
      }
      case 't':
        return literal("true", false);
      case 'f':
        return literal("false", false);
      case 'n':
        return literal("null", true);
      default:
        return number();
    }
  }

  bool literal(std::string_view word, bool null) {
    if (static_cast<std::size_t>(end_ - at_) < word.size()
        || std::string_view(at_, word.size()) != word)
      return false;
    at_ += word.size();
    if (null)
      handler_.null();
    else
      handler_.boolean();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, as RFC 8259 spells a number.
  bool number() {
    const char* start = at_;
    bool negative = at_ < end_ && *at_ == '-';
    if (negative)
      ++at_;
    if (at_ == end_ || *at_ < '0' || *at_ > '9')
      return false;
    if (*at_ == '0')
      ++at_;
    else
      skip_digits();
    const char* integer_end = at_;
    bool integer = true;
    if (at_ < end_ && *at_ == '.') {
      ++at_;
      integer = false;
      if (!skip_digits())
        return false;
    }
    if (at_ < end_ && (*at_ == 'e' || *at_ == 'E')) {
      ++at_;
      integer = false;
      if (at_ < end_ && (*at_ == '+' || *at_ == '-'))
        ++at_;
      const char* exponent = at_;
      if (!skip_digits() || at_ - exponent > 9) // Boost fails past INT_MAX: leave it to Boost
        return false;
    }
    if (at_ - start > 1000)
      return false;
    if (integer && !negative && integer_end - start <= 18) {
      std::int64_t value = 0;
      for (const char* digit = start; digit < integer_end; ++digit)
        value = value * 10 + (*digit - '0');
      handler_.integer(value);
    } else {
      handler_.other_number();
    }
    return true;
  }

  // Skips [0-9]*; false when there was none.
  bool skip_digits() {
    const char* start = at_;
    while (at_ < end_ && *at_ >= '0' && *at_ <= '9')
      ++at_;
    return at_ != start;
  }

  // The string whose opening quote is at at_; `text` views the input, or decoded_
  // when the string has escapes.
  bool read_string(std::string_view& text) {
    ++at_;
    const char* start = at_;
    const char* run = at_; // not yet appended to decoded_, once there is an escape
    bool escaped = false;
    for (;;) {
      at_ = find_in_string<true>(at_, end_);
      if (at_ == end_)
        return false;
      auto byte = static_cast<unsigned char>(*at_);
      if (byte == '"')
        break;
      if (byte == '\\') {
        if (!escaped)
          decoded_.clear();
        escaped = true;
        decoded_.append(run, at_);
        if (!read_escape())
          return false;
        run = at_;
      } else if (byte < 0x20) {
        return false; // a control character must be escaped
      } else {
        auto length = utf8_sequence_length(at_);
        if (length == 0)
          return false;
        at_ += length;
      }
    }
    if (escaped) {
      decoded_.append(run, at_);
      text = decoded_;
    } else {
      text = std::string_view(start, static_cast<std::size_t>(at_ - start));
    }
    ++at_; // the closing quote
    return true;
  }

  // Bytes of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlong forms, no
  // surrogates, nothing past U+10FFFF), or 0.
  std::size_t utf8_sequence_length(const char* at) const {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(at[i]); };
    auto continuation = [&](std::size_t i) { return (byte(i) & 0xc0) == 0x80; };
    auto available = static_cast<std::size_t>(end_ - at);
    unsigned char lead = byte(0);
    if (lead >= 0xc2 && lead <= 0xdf)
      return available >= 2 && continuation(1) ? 2 : 0;
    if (lead >= 0xe0 && lead <= 0xef) {
      if (available < 3 || !continuation(1) || !continuation(2))
        return 0;
      if ((lead == 0xe0 && byte(1) < 0xa0) || (lead == 0xed && byte(1) > 0x9f))
        return 0; // overlong, or a surrogate
      return 3;
    }
    if (lead >= 0xf0 && lead <= 0xf4) {
      if (available < 4 || !continuation(1) || !continuation(2) || !continuation(3))
        return 0;
      if ((lead == 0xf0 && byte(1) < 0x90) || (lead == 0xf4 && byte(1) > 0x8f))
        return 0; // overlong, or past U+10FFFF
      return 4;
    }
    return 0;
  }

  // The escape whose backslash is at at_, appended to decoded_ as UTF-8.
  bool read_escape() {
    if (end_ - at_ < 2)
      return false;
    char kind = at_[1];
    at_ += 2;
    switch (kind) {
      case '"': decoded_ += '"'; return true;
      case '\\': decoded_ += '\\'; return true;
      case '/': decoded_ += '/'; return true;
      case 'b': decoded_ += '\b'; return true;
      case 'f': decoded_ += '\f'; return true;
      case 'n': decoded_ += '\n'; return true;
      case 'r': decoded_ += '\r'; return true;
      case 't': decoded_ += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    unsigned first = 0;
    if (!read_hex4(first) || (first >= 0xdc00 && first <= 0xdfff))
      return false; // a trailing surrogate first
    unsigned code_point = first;
    if (first >= 0xd800 && first <= 0xdbff) { // a leading surrogate: its pair must follow
      unsigned second = 0;
      if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u')
        return false;
      at_ += 2;
      if (!read_hex4(second) || second < 0xdc00 || second > 0xdfff)
        return false;
      code_point = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
    }
    append_utf8(code_point);
    return true;
  }

  bool read_hex4(unsigned& value) {
    if (end_ - at_ < 4)
      return false;
    for (int i = 0; i < 4; ++i) {
      char c = *at_++;
      unsigned digit;
      if (c >= '0' && c <= '9')
        digit = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        digit = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        digit = static_cast<unsigned>(c - 'A' + 10);
      else
        return false;
      value = value * 16 + digit;
    }
    return true;
  }

  void append_utf8(unsigned code_point) {
    if (code_point < 0x80) {
      decoded_ += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
      decoded_ += static_cast<char>(0xc0 | (code_point >> 6));
      decoded_ += static_cast<char>(0x80 | (code_point & 0x3f));
    } else if (code_point < 0x10000) {
      decoded_ += static_cast<char>(0xe0 | (code_point >> 12));
      decoded_ += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
      decoded_ += static_cast<char>(0x80 | (code_point & 0x3f));
    } else {
      decoded_ += static_cast<char>(0xf0 | (code_point >> 18));
      decoded_ += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
      decoded_ += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
      decoded_ += static_cast<char>(0x80 | (code_point & 0x3f));
    }
  }

  const char* begin_;
  const char* at_;
  const char* end_;
  Handler& handler_;
  std::size_t blanks_ = 0;
  std::string decoded_;
};

} // namespace klarna::logic
