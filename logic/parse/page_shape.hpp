#pragma once

// The page parser's validating handler (logic/parse/page_parser.cpp only).

#include "config/iso8601.hpp"
#include "logic/parse/page_parser.hpp"

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klarna::logic {

/// Where one record lies in a page: [begin, end), and whether it holds no whitespace
/// outside strings (then it is copied as is).
struct record_span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool compact = false;
};

/// Validates a page in one SAX pass without building a tree: the page must be an
/// object whose `records_key` member is an array of objects and whose `pagination`
/// member is an object with integer count/total and a string (or null) next. It takes
/// the events of json_scanner (logic/parse/json_scanner.hpp), which also say where each
/// record lies, or of Boost's basic_parser, after which the page parser finds the
/// records by the member that holds them.
class page_shape {
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  /// `key_fields`: top-level fields of the records whose string values are kept per
  /// record. `max_records`: more records than this (0: no limit) end the scan at
  /// once, before they cost memory.
  page_shape(std::string_view records_key, std::string_view cursor_field,
             const std::vector<std::string>& key_fields, std::uint64_t max_records = 0)
    : records_key_(records_key),
      cursor_field_(cursor_field),
      key_fields_(key_fields),
      max_records_(max_records) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code&) {
    begin_object();
    return true;
  }
  bool on_object_end(std::size_t, error_code&) { return leave(); }

  bool on_array_begin(error_code&) {
    begin_array();
    return true;
  }
  bool on_array_end(std::size_t, error_code&) { return leave(); }

  bool on_key_part(string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    key_done(key_);
    key_.clear();
    return true;
  }

  bool on_string_part(string_view part, std::size_t, error_code&) {
    if (in_pagination_field("next"))
      next_.append(part.data(), part.size());
    else if (at_field())
      field_text_.append(part.data(), part.size());
    return true;
  }
  bool on_string(string_view part, std::size_t, error_code&) {
    string_done({part.data(), part.size()});
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t value, string_view, error_code&) {
    integer(value);
    return true;
  }
  bool on_uint64(std::uint64_t, string_view, error_code&) {
    other_number(); // beyond int64: not a count Klarna would send
    return true;
  }
  bool on_double(double, string_view, error_code&) {
    other_number();
    return true;
  }
  bool on_bool(bool, error_code&) {
    boolean();
    return true;
  }
  bool on_null(error_code&) {
    null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  // json_scanner's events.
  void object_begin(std::size_t at, std::size_t blanks) {
    if (depth_ == 2 && section_ == section::records) {
      records_.push_back({at, 0, false});
      blanks_at_record_ = blanks;
    }
    begin_object();
  }
  void object_end(std::size_t past, std::size_t blanks) {
    leave();
    if (depth_ == 2 && section_ == section::records) {
      records_.back().end = past;
      records_.back().compact = blanks == blanks_at_record_;
    }
  }
  void array_begin() { begin_array(); }
  void array_end() { leave(); }
  void key(std::string_view text) { key_done(text); }
  void string(std::string_view text) { string_done(text); }

  void integer(std::int64_t value) {
    if (depth_ > 2)
      return; // inside a record or deeper: nothing to check
    scalar();
    integer_field(value);
  }
  void other_number() {
    if (depth_ > 2)
      return; // inside a record or deeper: nothing to check
    scalar();
    integer_field_not_integer();
  }
  void boolean() {
    if (depth_ > 2)
      return; // inside a record or deeper: nothing to check
    scalar();
    integer_field_not_integer();
    next_not_string();
  }
  void null() {
    if (depth_ > 2)
      return; // inside a record or deeper: nothing to check
    scalar(); // null count/total/next mean absent
  }

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
  /// Where each record lies in the page, after json_scanner's events.
  const std::vector<record_span>& records() const { return records_; }
  const std::optional<std::string>& max_cursor() const { return max_cursor_; }
  /// True when key fields were named, so keys_of() holds a slot per record.
  bool keeps_keys() const { return !key_fields_.empty(); }
  /// Record `i`'s values of the key fields (nullopt: not there or not a string).
  std::vector<std::optional<std::string>>& keys_of(std::size_t i) { return keys_[i]; }

private:
  enum class section { other, records, pagination };

  void begin_object() {
    if (depth_ == 1) {
      if (section_ == section::records)
        fail_records_not_array();
      if (section_ == section::pagination)
        pagination_seen_ = true;
    } else if (depth_ == 2 && section_ == section::records) {
      if (++record_count_ > max_records_ && max_records_ != 0)
        throw page_error("the page holds more than the " + std::to_string(max_records_)
                         + " records asked for");
      if (!key_fields_.empty())
        keys_.emplace_back(key_fields_.size());
    }
    ++depth_;
  }

  void begin_array() {
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
  }

  // A key's whole text.
  void key_done(std::string_view key) {
    if (depth_ == 1)
      enter_member(key);
    else if (depth_ == 2 && section_ == section::pagination)
      enter_pagination_field(key);
    else if (depth_ == 3 && section_ == section::records)
      record_field(key);
  }

  // A record's top-level key: is it the cursor or a key field?
  void record_field(std::string_view key) {
    in_cursor_ = !cursor_field_.empty() && key == cursor_field_;
    key_slot_ = no_slot;
    for (std::size_t k = 0; k < key_fields_.size(); ++k)
      if (key == key_fields_[k])
        key_slot_ = k;
    // A repeated member counts as its last value (as Boost.JSON reads it), which may
    // not be a string.
    if (key_slot_ != no_slot)
      keys_.back()[key_slot_].reset();
  }

  // A string's last part (or all of it).
  void string_done(std::string_view part) {
    if (at_field()) {
      field_text_.append(part);
      if (in_cursor_)
        cursor_value();
      if (key_slot_ != no_slot)
        keys_.back()[key_slot_] = field_text_;
      field_text_.clear();
    }
    if (depth_ > 2)
      return; // inside a record or deeper: nothing more to check
    scalar();
    if (in_pagination_field("next")) {
      next_.append(part);
      next_is_string_ = true;
    } else {
      integer_field_not_integer();
    }
  }


  void enter_member(std::string_view key) {
    if (key == records_key_) {
      if (section_seen_[0]++)
        throw page_error("the page has two '" + std::string(records_key_) + "' members");
      section_ = section::records;
      records_member_ = members_;
    } else if (key == "pagination") {
      if (section_seen_[1]++)
        throw page_error("the page has two 'pagination' members");
      section_ = section::pagination;
    } else {
      section_ = section::other;
    }
    ++members_;
  }

  void enter_pagination_field(std::string_view key) {
    pagination_key_ = key;
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

  // At a string value of the cursor or of a key field of a record.
  bool at_field() const {
    return (in_cursor_ || key_slot_ != no_slot) && depth_ == 3 && section_ == section::records;
  }

  // A record's cursor value: kept when it is the latest so far. A value that is not
  // a date-time is not a cursor (the schema says date-time; the record is kept).
  void cursor_value() {
    auto epoch = config::parse_iso8601_epoch_seconds(field_text_);
    if (epoch && (!max_cursor_ || *epoch > max_cursor_epoch_)) {
      max_cursor_epoch_ = *epoch;
      max_cursor_ = field_text_;
    }
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
  const std::vector<std::string>& key_fields_;
  static constexpr std::size_t no_slot = -1;
  bool in_cursor_ = false;
  std::size_t key_slot_ = no_slot;
  std::string field_text_; // the cursor's or a key field's string so far
  std::vector<std::vector<std::optional<std::string>>> keys_; // per record
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
  std::uint64_t max_records_ = 0;
  std::string key_; // a key's parts so far (Boost's events)
  std::string pagination_key_;
  std::optional<std::int64_t> count_;
  std::optional<std::int64_t> total_;
  std::string next_;
  bool next_is_string_ = false;
  std::vector<record_span> records_;
  std::size_t blanks_at_record_ = 0;
};

} // namespace klarna::logic
