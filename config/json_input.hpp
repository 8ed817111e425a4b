#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>

namespace klarna::config {

/// Inputs larger than this are refused: a config, catalog or state file is a few KiB.
constexpr std::size_t max_input_file_bytes = 16 * 1024 * 1024;

/// Parses JSON text; `what` names the input in errors ("config file /x.json").
/// Throws input_error on invalid JSON, with the line and column of the problem.
boost::json::value parse_json_text(const std::string& text, const std::string& what);

/// Reads and parses a JSON file. Throws input_error naming the file when it is
/// missing, unreadable, too large or not JSON.
boost::json::value read_json_file(const std::string& path, const std::string& role);

/// The JSON type name of a value, as used in error messages ("string", "object" ...).
const char* json_type_name(const boost::json::value& value);

} // namespace klarna::config
