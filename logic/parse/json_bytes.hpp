#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace klarna::logic {

/// Byte-level walks over JSON text that is already known to be valid (the page
/// parser validates it first); they never check validity themselves. They let the
/// parser copy each record's bytes as sent instead of building and re-serializing a
/// tree: numbers, escapes and key order stay exactly what Klarna wrote.

/// Position of the first byte at or after `at` that is not JSON whitespace.
std::size_t skip_whitespace(std::string_view json, std::size_t at);

/// Position just past the value that starts at `at` (at its first byte).
std::size_t skip_value(std::string_view json, std::size_t at);

/// Appends the value that starts at `at` to `out` without whitespace outside
/// strings (so a record always fits on one line); returns the position past it.
std::size_t append_compact(std::string_view json, std::size_t at, std::string& out);

/// Position of the value of the member with ordinal `member` (0-based, in document
/// order) of the object that starts at `at`.
std::size_t member_value(std::string_view json, std::size_t at, std::size_t member);

} // namespace klarna::logic
