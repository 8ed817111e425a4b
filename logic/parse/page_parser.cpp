#include "logic/parse/page_parser.hpp"

#include "logic/parse/json_bytes.hpp"
#include "logic/parse/json_scanner.hpp"
#include "logic/parse/page_shape.hpp"

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

// Copies each record into the batch: as it is when it holds no whitespace outside
// strings, else without that whitespace (a record always fits on one line), with
// its key fields' values when `shape` (none for a bare array) kept some.
void copy_records(std::string_view body, const std::vector<record_span>& records,
                  page_shape* shape, protocol::record_batch& batch) {
  batch.reserve(body.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    auto write = [&](std::string& buffer) {
      if (record.compact)
        buffer.append(body.data() + record.begin, record.end - record.begin);
      else
        append_compact(body, record.begin, buffer);
    };
    if (shape != nullptr && shape->keeps_keys())
      batch.append_written(write, std::move(shape->keys_of(i)));
    else
      batch.append_written(write);
  }
}

// The pagination and cursor of a page whose events `shape` has had; throws unless the
// page is valid.
parsed_page checked(const page_shape& shape, const page_format& format, std::int64_t emitted_at_ms) {
  parsed_page result;
  result.pagination = shape.finish();
  result.max_cursor = shape.max_cursor();
  result.records = protocol::record_batch(emitted_at_ms, format.key_fields);
  return result;
}

// A body that is the array of records itself (payout summaries): one whole answer,
// so its count is its length and there is nothing to follow.
parsed_page parse_array_page(std::string_view body, std::int64_t emitted_at_ms) {
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
  result.pagination.count = static_cast<std::int64_t>(value.get_array().size());
  result.records = protocol::record_batch(emitted_at_ms);
  copy_records(body, elements_of(body, skip_whitespace(body, 0)), nullptr, result.records);
  return result;
}

} // namespace

parsed_page parse_page(std::string_view body, const page_format& format,
                       std::int64_t emitted_at_ms) {
  if (format.records_key.empty())
    return parse_array_page(body, emitted_at_ms);
  try {
    page_shape shape(format.records_key, format.cursor_field, format.key_fields,
                     format.max_records);
    json_scanner<page_shape> scanner(body, shape);
    if (scanner.scan()) {
      auto result = checked(shape, format, emitted_at_ms);
      copy_records(body, shape.records(), &shape, result.records);
      return result;
    }
  } catch (const page_error&) {
    // Not dropped: the reference below reads the page again and says what is wrong.
  }
  return parse_page_by_boost(body, format, emitted_at_ms);
}

parsed_page parse_page_by_boost(std::string_view body, const page_format& format,
                                std::int64_t emitted_at_ms) {
  if (format.records_key.empty())
    return parse_array_page(body, emitted_at_ms);
  boost::json::parse_options options;
  options.max_depth = json_scanner<page_shape>::max_depth;
  boost::json::basic_parser<page_shape> parser(options, format.records_key, format.cursor_field,
                                               format.key_fields, format.max_records);
  boost::json::error_code ec;
  auto consumed = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || consumed != body.size())
    throw page_error("the page is not valid JSON (" + (ec ? ec.message() : "trailing data")
                     + ")");
  auto& shape = parser.handler();
  auto result = checked(shape, format, emitted_at_ms);
  // The page is valid: find its records by the member that holds them.
  auto root = skip_whitespace(body, 0);
  auto records = member_value(body, root, shape.records_member());
  copy_records(body, elements_of(body, records), &shape, result.records);
  return result;
}

} // namespace klarna::logic
