#include "logic/parse/json_bytes.hpp"

#include "logic/parse/string_scan.hpp"

#include <cstring>

namespace klarna::logic {

namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Position just past the string whose opening quote is at `at`.
std::size_t skip_string(std::string_view json, std::size_t at) {
  const char* end = json.data() + json.size();
  const char* next = json.data() + at + 1;
  for (;;) {
    next = find_in_string<false>(next, end);
    if (end - next < 2) // none, or the last byte: a quote ends there, a backslash is cut off
      return json.size();
    if (*next == '"')
      return static_cast<std::size_t>(next - json.data()) + 1;
    next += 2; // the backslash and the byte it escapes
  }
}

// Bytes that matter to the compact copy outside strings.
struct structural_bytes {
  bool table[256] = {};
  constexpr structural_bytes() {
    for (unsigned char c : {'"', '{', '}', '[', ']', ' ', '\n', '\r', '\t'})
      table[c] = true;
  }
};
constexpr structural_bytes structural;

} // namespace

std::size_t skip_whitespace(std::string_view json, std::size_t at) {
  while (at < json.size() && is_whitespace(json[at]))
    ++at;
  return at;
}

std::size_t skip_value(std::string_view json, std::size_t at) {
  if (at >= json.size())
    return at;
  char first = json[at];
  if (first == '"')
    return skip_string(json, at);
  if (first != '{' && first != '[') {
    // A number or literal ends at the first delimiter.
    while (at < json.size() && !is_whitespace(json[at]) && json[at] != ',' && json[at] != '}'
           && json[at] != ']')
      ++at;
    return at;
  }
  int depth = 0;
  for (std::size_t i = at; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') {
      i = skip_string(json, i) - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0)
        return i + 1;
    }
  }
  return json.size();
}

std::size_t append_compact(std::string_view json, std::size_t at, std::string& out) {
  if (at >= json.size() || (json[at] != '{' && json[at] != '[')) {
    auto end = skip_value(json, at); // a scalar holds no whitespace
    out.append(json.data() + at, end - at);
    return end;
  }
  // One pass: copy runs between whitespace bytes, step over strings whole (they may
  // hold spaces, never raw newlines), stop where the brackets balance.
  const auto* bytes = reinterpret_cast<const unsigned char*>(json.data());
  std::size_t run = at;
  std::size_t i = at;
  int depth = 0;
  while (i < json.size()) {
    if (!structural.table[bytes[i]]) {
      ++i;
      continue;
    }
    char c = json[i];
    if (c == '"') {
      i = skip_string(json, i);
    } else if (c == '{' || c == '[') {
      ++depth;
      ++i;
    } else if (c == '}' || c == ']') {
      ++i;
      if (--depth == 0)
        break;
    } else {
      out.append(json.data() + run, i - run);
      i = skip_whitespace(json, i);
      run = i;
    }
  }
  out.append(json.data() + run, i - run);
  return i;
}

std::size_t member_value(std::string_view json, std::size_t at, std::size_t member) {
  std::size_t i = skip_whitespace(json, at + 1); // past '{'
  for (std::size_t ordinal = 0; i < json.size() && json[i] != '}'; ++ordinal) {
    i = skip_whitespace(json, skip_value(json, i)); // the key
    i = skip_whitespace(json, i + 1);               // past ':'
    if (ordinal == member)
      return i;
    i = skip_whitespace(json, skip_value(json, i));
    if (i < json.size() && json[i] == ',')
      i = skip_whitespace(json, i + 1);
  }
  return json.size();
}

} // namespace klarna::logic
