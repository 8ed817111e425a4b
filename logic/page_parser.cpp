#include "logic/page_parser.hpp"

#include "logic/json_bytes.hpp"
#include "logic/json_scanner.hpp"
#include "logic/page_shape.hpp"
#include "protocol/airbyte_messages.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <vector>

namespace klarna::logic {

namespace {

// Each element of the array that starts at `at`, as a span to copy compactly.
std::vector<record_span> elements_of(std::string_view body, std::size_t at) {
  std::vector<record_span> elements;
  at = skip_whitespace(body, at + 1);
  while (at < body.size() && body[at] != ']') {
    auto end = skip_value(body, at);
    elements.push_back({at, end, false});
    at = skip_whitespace(body, end);
    if (at < body.size() && body[at] == ',')
      at = skip_whitespace(body, at + 1);
  }
  return elements;
}

// Copies each record into a RECORD line: as it is when it holds no whitespace outside
// strings, else without that whitespace (a record always fits on one line).
void render_records(std::string_view body, const std::vector<record_span>& records,
                    const std::string& stream, std::int64_t emitted_at_ms, parsed_page& result) {
  const auto prefix = protocol::record_line_prefix(stream);
  const auto suffix = protocol::record_line_suffix(emitted_at_ms);
  result.record_lines.reserve(body.size() + records.size() * (prefix.size() + suffix.size()));
  for (const auto& record : records) {
    result.record_lines += prefix;
    if (record.compact)
      result.record_lines.append(body.data() + record.begin, record.end - record.begin);
    else
      append_compact(body, record.begin, result.record_lines);
    result.record_lines += suffix;
  }
}

// The pagination and cursor of a page whose events `shape` has had.
parsed_page checked(const page_shape& shape) {
  parsed_page result;
  result.pagination = shape.finish();
  result.record_count = shape.record_count();
  result.max_cursor = shape.max_cursor();
  return result;
}

// A body that is the array of records itself (payout summaries): one whole answer,
// so its count is its length and there is nothing to follow.
parsed_page parse_array_page(std::string_view body, const std::string& stream,
                             std::int64_t emitted_at_ms) {
  boost::json::value value;
  try {
    value = boost::json::parse(body);
  } catch (const std::exception& e) {
    throw page_error(std::string("the page is not valid JSON (") + e.what() + ")");
  }
  if (!value.is_array())
    throw page_error("the page is not a JSON array");
  for (const auto& element : value.get_array())
    if (!element.is_object())
      throw page_error("an element of the page is not an object");
  parsed_page result;
  result.record_count = value.get_array().size();
  result.pagination.count = static_cast<std::int64_t>(result.record_count);
  render_records(body, elements_of(body, skip_whitespace(body, 0)), stream, emitted_at_ms, result);
  return result;
}

} // namespace

parsed_page parse_page(std::string_view body, const std::string& records_key,
                       const std::string& stream, std::int64_t emitted_at_ms,
                       const std::string& cursor_field, std::uint64_t max_records) {
  if (records_key.empty())
    return parse_array_page(body, stream, emitted_at_ms);
  try {
    page_shape shape(records_key, cursor_field, max_records);
    json_scanner<page_shape> scanner(body, shape);
    if (scanner.scan()) {
      auto result = checked(shape);
      render_records(body, shape.records(), stream, emitted_at_ms, result);
      return result;
    }
  } catch (const page_error&) {
    // Not dropped: the reference below reads the page again and says what is wrong.
  }
  return parse_page_by_boost(body, records_key, stream, emitted_at_ms, cursor_field, max_records);
}

parsed_page parse_page_by_boost(std::string_view body, const std::string& records_key,
                                const std::string& stream, std::int64_t emitted_at_ms,
                                const std::string& cursor_field, std::uint64_t max_records) {
  if (records_key.empty())
    return parse_array_page(body, stream, emitted_at_ms);
  boost::json::parse_options options;
  options.max_depth = json_scanner<page_shape>::max_depth;
  boost::json::basic_parser<page_shape> parser(options, records_key, cursor_field, max_records);
  boost::json::error_code ec;
  auto consumed = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || consumed != body.size())
    throw page_error("the page is not valid JSON (" + (ec ? ec.message() : "trailing data")
                     + ")");
  auto result = checked(parser.handler());
  // The page is valid: copy each record's bytes into its RECORD line.
  auto root = skip_whitespace(body, 0);
  auto records = member_value(body, root, parser.handler().records_member());
  render_records(body, elements_of(body, records), stream, emitted_at_ms, result);
  return result;
}

} // namespace klarna::logic
