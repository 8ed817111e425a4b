#include "logic/page_parser.hpp"

#include "config/iso8601.hpp"
#include "logic/json_bytes.hpp"
#include "protocol/airbyte_messages.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <optional>

namespace klarna::logic {

namespace {

using boost::json::error_code;
using boost::json::string_view;

/// Validates a page in one SAX pass without building a tree: the page must be an
/// object whose `records_key` member is an array of objects and whose `pagination`
/// member is an object with integer count/total and a string (or null) next. It
/// remembers which member holds the records, so their bytes can be copied after.
class page_shape {
public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  page_shape(std::string_view records_key, std::string_view cursor_field)
    : records_key_(records_key), cursor_field_(cursor_field) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code&) {
    if (depth_ == 1) {
      if (section_ == section::records)
        fail_records_not_array();
      if (section_ == section::pagination)
        pagination_seen_ = true;
    } else if (depth_ == 2 && section_ == section::records) {
      ++record_count_;
    }
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) { return leave(); }

  bool on_array_begin(error_code&) {
    if (depth_ == 0)
      fail_not_object();
    if (depth_ == 1) {
      if (section_ == section::pagination)
        throw page_error("the page has no 'pagination' object");
      if (section_ == section::records)
        records_seen_ = true;
    }
    if (depth_ == 2)
      scalar_or_array_at_depth_two();
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) { return leave(); }

  bool on_key_part(string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    if (depth_ == 1)
      enter_member();
    else if (depth_ == 2 && section_ == section::pagination)
      enter_pagination_field();
    else if (depth_ == 3 && section_ == section::records)
      in_cursor_ = !cursor_field_.empty() && key_ == cursor_field_;
    key_.clear();
    return true;
  }

  bool on_string_part(string_view part, std::size_t, error_code&) {
    if (in_pagination_field("next"))
      next_.append(part.data(), part.size());
    else if (at_cursor())
      cursor_text_.append(part.data(), part.size());
    return true;
  }
  bool on_string(string_view part, std::size_t, error_code&) {
    if (at_cursor()) {
      cursor_text_.append(part.data(), part.size());
      cursor_value();
    }
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing more to check
    scalar();
    if (in_pagination_field("next")) {
      next_.append(part.data(), part.size());
      next_is_string_ = true;
    } else {
      integer_field_not_integer();
    }
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t value, string_view, error_code&) {
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing to check
    scalar();
    integer_field(value);
    return true;
  }
  bool on_uint64(std::uint64_t, string_view, error_code&) {
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing to check
    scalar();
    integer_field_not_integer(); // beyond int64: not a count Klarna would send
    return true;
  }
  bool on_double(double, string_view, error_code&) {
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing to check
    scalar();
    integer_field_not_integer();
    return true;
  }
  bool on_bool(bool, error_code&) {
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing to check
    scalar();
    integer_field_not_integer();
    next_not_string();
    return true;
  }
  bool on_null(error_code&) {
    if (depth_ > 2)
      return true; // inside a record or deeper: nothing to check
    scalar();
    return true; // null count/total/next mean absent
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  /// Checks what only the whole page can show; returns the pagination.
  page_pagination finish() const {
    if (!records_seen_)
      throw page_error("the page has no '" + std::string(records_key_) + "' array");
    if (!pagination_seen_)
      throw page_error("the page has no 'pagination' object");
    if (!count_)
      throw page_error("pagination.count is missing");
    if (*count_ != static_cast<std::int64_t>(record_count_))
      throw page_error("pagination.count is " + std::to_string(*count_) + " but the page has "
                       + std::to_string(record_count_) + " records");
    page_pagination pagination;
    pagination.count = *count_;
    pagination.total = total_;
    if (next_is_string_ && !next_.empty())
      pagination.next = next_;
    return pagination;
  }

  std::size_t records_member() const { return records_member_; }
  const std::optional<std::string>& max_cursor() const { return max_cursor_; }
  std::uint64_t record_count() const { return record_count_; }

private:
  enum class section { other, records, pagination };

  void enter_member() {
    if (key_ == records_key_) {
      if (section_seen_[0]++)
        throw page_error("the page has two '" + std::string(records_key_) + "' members");
      section_ = section::records;
      records_member_ = members_;
    } else if (key_ == "pagination") {
      if (section_seen_[1]++)
        throw page_error("the page has two 'pagination' members");
      section_ = section::pagination;
    } else {
      section_ = section::other;
    }
    ++members_;
  }

  void enter_pagination_field() {
    pagination_key_ = key_;
    if (pagination_key_ == "next") { // a repeated key counts once, as its last value
      next_.clear();
      next_is_string_ = false;
    }
  }

  bool leave() {
    --depth_;
    return true;
  }

  // A string, number, literal or null: checks where it stands.
  void scalar() {
    if (depth_ == 0)
      fail_not_object();
    if (depth_ == 1) {
      if (section_ == section::records)
        fail_records_not_array();
      if (section_ == section::pagination)
        throw page_error("the page has no 'pagination' object");
    }
    if (depth_ == 2)
      scalar_or_array_at_depth_two();
  }

  void scalar_or_array_at_depth_two() {
    if (section_ == section::records)
      throw page_error("an element of '" + std::string(records_key_) + "' is not an object");
  }

  bool at_cursor() const { return in_cursor_ && depth_ == 3 && section_ == section::records; }

  // A record's cursor value: kept when it is the latest so far. A value that is not
  // a date-time is not a cursor (the schema says date-time; the record is kept).
  void cursor_value() {
    auto epoch = config::parse_iso8601_epoch_seconds(cursor_text_);
    if (epoch && (!max_cursor_ || *epoch > max_cursor_epoch_)) {
      max_cursor_epoch_ = *epoch;
      max_cursor_ = cursor_text_;
    }
    cursor_text_.clear();
  }

  bool in_pagination_field(const char* name) const {
    return depth_ == 2 && section_ == section::pagination && pagination_key_ == name;
  }

  void integer_field(std::int64_t value) {
    if (in_pagination_field("count")) {
      count_ = value;
    } else if (in_pagination_field("total")) {
      if (value < 0)
        throw page_error("pagination.total is negative");
      total_ = value;
    }
    next_not_string();
  }

  void integer_field_not_integer() const {
    for (const char* name : {"count", "total"})
      if (in_pagination_field(name))
        throw page_error(std::string("pagination.") + name + " is not an integer");
    next_not_string();
  }

  void next_not_string() const {
    if (in_pagination_field("next"))
      throw page_error("pagination.next is not a string");
  }

  [[noreturn]] void fail_not_object() const { throw page_error("the page is not a JSON object"); }
  [[noreturn]] void fail_records_not_array() const {
    throw page_error("the page has no '" + std::string(records_key_) + "' array");
  }

  std::string_view records_key_;
  std::string_view cursor_field_;
  bool in_cursor_ = false;
  std::string cursor_text_;
  std::optional<std::string> max_cursor_;
  std::int64_t max_cursor_epoch_ = 0;
  std::size_t depth_ = 0;
  section section_ = section::other;
  std::size_t members_ = 0;
  std::size_t records_member_ = 0;
  int section_seen_[2] = {0, 0};
  bool records_seen_ = false;
  bool pagination_seen_ = false;
  std::uint64_t record_count_ = 0;
  std::string key_;
  std::string pagination_key_;
  std::optional<std::int64_t> count_;
  std::optional<std::int64_t> total_;
  std::string next_;
  bool next_is_string_ = false;
};

// Copies each element of the array that starts at `at` into a RECORD line.
void render_records(std::string_view body, std::size_t at, const std::string& stream,
                    std::int64_t emitted_at_ms, parsed_page& result) {
  const auto prefix = protocol::record_line_prefix(stream);
  const auto suffix = protocol::record_line_suffix(emitted_at_ms);
  result.record_lines.reserve(body.size()
                              + result.record_count * (prefix.size() + suffix.size()));
  at = skip_whitespace(body, at + 1);
  while (at < body.size() && body[at] != ']') {
    result.record_lines += prefix;
    at = append_compact(body, at, result.record_lines);
    result.record_lines += suffix;
    at = skip_whitespace(body, at);
    if (at < body.size() && body[at] == ',')
      at = skip_whitespace(body, at + 1);
  }
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
  render_records(body, skip_whitespace(body, 0), stream, emitted_at_ms, result);
  return result;
}

} // namespace

parsed_page parse_page(std::string_view body, const std::string& records_key,
                       const std::string& stream, std::int64_t emitted_at_ms,
                       const std::string& cursor_field) {
  if (records_key.empty())
    return parse_array_page(body, stream, emitted_at_ms);
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::json::basic_parser<page_shape> parser(options, records_key, cursor_field);
  error_code ec;
  auto consumed = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || consumed != body.size())
    throw page_error("the page is not valid JSON (" + (ec ? ec.message() : "trailing data")
                     + ")");
  const auto& shape = parser.handler();
  parsed_page result;
  result.pagination = shape.finish();
  result.record_count = shape.record_count();
  result.max_cursor = shape.max_cursor();

  // The page is valid: copy each record's bytes into its RECORD line.
  auto root = skip_whitespace(body, 0);
  render_records(body, member_value(body, root, shape.records_member()), stream, emitted_at_ms,
                 result);
  return result;
}

} // namespace klarna::logic
