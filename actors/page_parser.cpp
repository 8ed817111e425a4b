#include "actors/page_parser.hpp"

#include "pipeline/airbyte_messages.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

namespace klarna::actors {

namespace {

std::optional<std::int64_t> optional_integer(const boost::json::object& obj, const char* key) {
  auto* value = obj.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  if (!value->is_int64())
    throw page_error(std::string("pagination.") + key + " is not an integer");
  return value->get_int64();
}

pipeline::page_pagination read_pagination(const boost::json::object& page,
                                          std::size_t record_count) {
  auto* value = page.if_contains("pagination");
  if (value == nullptr || !value->is_object())
    throw page_error("the page has no 'pagination' object");
  const auto& obj = value->get_object();
  pipeline::page_pagination pagination;
  auto count = optional_integer(obj, "count");
  if (!count)
    throw page_error("pagination.count is missing");
  if (*count != static_cast<std::int64_t>(record_count))
    throw page_error("pagination.count is " + std::to_string(*count) + " but the page has "
                     + std::to_string(record_count) + " records");
  pagination.count = *count;
  pagination.total = optional_integer(obj, "total");
  if (pagination.total && *pagination.total < 0)
    throw page_error("pagination.total is negative");
  if (auto* next = obj.if_contains("next"); next != nullptr && !next->is_null()) {
    if (!next->is_string())
      throw page_error("pagination.next is not a string");
    if (!next->get_string().empty())
      pagination.next = std::string(next->get_string());
  }
  return pagination;
}

void append_serialized(std::string& out, const boost::json::value& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  while (!serializer.done())
    out.append(serializer.read(buffer));
}

} // namespace

parsed_page parse_page(std::string_view body, const std::string& records_key,
                       const std::string& stream, std::int64_t emitted_at_ms) {
  // One arena per page: the parsed tree is dropped as soon as the lines exist.
  boost::json::monotonic_resource arena;
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  auto root = boost::json::parse(body, ec, &arena, options);
  if (ec)
    throw page_error("the page is not valid JSON (" + ec.message() + ")");
  if (!root.is_object())
    throw page_error("the page is not a JSON object");
  const auto& page = root.get_object();
  auto* records = page.if_contains(records_key);
  if (records == nullptr || !records->is_array())
    throw page_error("the page has no '" + records_key + "' array");
  const auto& array = records->get_array();
  for (const auto& record : array)
    if (!record.is_object())
      throw page_error("an element of '" + records_key + "' is not an object");

  parsed_page result;
  result.pagination = read_pagination(page, array.size());
  result.record_count = array.size();
  const auto prefix = pipeline::record_line_prefix(stream);
  const auto suffix = pipeline::record_line_suffix(emitted_at_ms);
  result.record_lines.reserve(body.size() + array.size() * (prefix.size() + suffix.size()));
  for (const auto& record : array) {
    result.record_lines += prefix;
    append_serialized(result.record_lines, record);
    result.record_lines += suffix;
  }
  return result;
}

} // namespace klarna::actors
