#include "config/json_input.hpp"

#include "config/input_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace klarna::config {

namespace {

// Line and column (1-based) of a byte offset, for error messages.
std::string position_of(const std::string& text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

} // namespace

boost::json::value parse_json_text(const std::string& text, const std::string& what) {
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec)
    parser.finish(ec);
  if (ec)
    throw input_error(what + " is not valid JSON (" + ec.message() + " at "
                      + position_of(text, consumed) + ")");
  return parser.release();
}

boost::json::value read_json_file(const std::string& path, const std::string& role) {
  const std::string what = role + " file '" + path + "'";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw input_error("cannot read " + what + ": " + std::strerror(errno));
  // Read in chunks and stop past the limit, so a huge (or endless) file is refused
  // without being read whole.
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_input_file_bytes)
      throw input_error(what + " is larger than " + std::to_string(max_input_file_bytes)
                        + " bytes");
  }
  if (in.bad())
    throw input_error("cannot read " + what + ": read error");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw input_error(what + " is empty; expected a JSON object");
  return parse_json_text(text, what);
}

const char* json_type_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "unknown";
}

} // namespace klarna::config
