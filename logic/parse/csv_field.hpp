#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace klarna::logic {

/// `text` as one field of a CSV line (RFC 4180): as it is, or quoted with its quotes
/// doubled when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"')
      quoted += '"';
  }
  return quoted + "\"";
}

/// A JSON value as one CSV field: a string's text, other values as their JSON text,
/// null or absent (nullptr) as an empty field.
inline std::string csv_field(const boost::json::value* value) {
  if (value == nullptr || value->is_null())
    return "";
  return csv_field(value->is_string() ? std::string(value->get_string())
                                      : boost::json::serialize(*value));
}

} // namespace klarna::logic
