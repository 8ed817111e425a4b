#include "stores/record_fields.hpp"

#include "stores/table_store.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <functional>

namespace klarna::stores {

namespace {

using boost::json::error_code;
using boost::json::string_view;

constexpr char path_separator = '\x1f';

// The SAX handler: tracks the key path of top-level members and of members one
// level down, and stores scalars whose path is a column.
struct field_sink {
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  const std::unordered_map<std::string, std::size_t>* columns = nullptr;
  std::vector<field_value>* values = nullptr;
  std::size_t depth = 0;       // objects and arrays entered
  std::vector<bool> in_array;  // per level entered: an array (else an object)
  std::string key;             // the key being read (parts)
  std::string path;            // the path of the value that follows
  std::size_t outer_length = 0; // length of the top-level key within `path`
  std::string text;            // a string value (parts)
  std::string_view record;     // the record being read

  // The column the value now read belongs to, if any: a member of the record or of
  // an object in it, never an element of an array.
  field_value* target() {
    if (depth < 1 || depth > 2 || in_array.back())
      return nullptr;
    auto found = columns->find(path);
    return found == columns->end() ? nullptr : &(*values)[found->second];
  }

  // A value that is not a scalar where a column expects one: the column is null.
  void container_value() {
    if (auto* value = target())
      value->kind = field_value::type::null;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  void enter(bool array) {
    container_value();
    ++depth;
    in_array.push_back(array);
  }
  void leave() {
    --depth;
    in_array.pop_back();
    if (depth == 1)
      path.resize(outer_length);
  }
  bool on_object_begin(error_code&) {
    enter(false);
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    leave();
    return true;
  }
  bool on_array_begin(error_code&) {
    enter(true);
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    leave();
    return true;
  }
  bool on_key_part(string_view part, std::size_t, error_code&) {
    key.append(part.data(), part.size());
    return true;
  }
  bool on_key(string_view part, std::size_t, error_code&) {
    key.append(part.data(), part.size());
    if (depth == 1) {
      path = key;
      outer_length = path.size();
    } else if (depth == 2) {
      path.resize(outer_length);
      path += path_separator;
      path += key;
    }
    key.clear();
    return true;
  }
  bool on_string_part(string_view part, std::size_t, error_code&) {
    text.append(part.data(), part.size());
    return true;
  }
  bool on_string(string_view part, std::size_t, error_code&) {
    if (auto* value = target()) {
      value->kind = field_value::type::text;
      // std::less: a total order even for pointers into different buffers.
      std::less<const char*> before;
      bool in_record = !before(part.data(), record.data())
                       && before(part.data(), record.data() + record.size());
      if (text.empty() && in_record) { // no escapes: the parser hands a view of the input
        value->text = std::string_view(part.data(), part.size());
      } else { // assign, not move: both strings keep their capacity from record to record
        value->copy.assign(text).append(part.data(), part.size());
        value->text = value->copy;
      }
    }
    text.clear();
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t number, string_view, error_code&) {
    if (auto* value = target()) {
      value->kind = field_value::type::integer;
      value->integer = number;
    }
    return true;
  }
  bool on_uint64(std::uint64_t number, string_view, error_code&) {
    if (auto* value = target()) {
      value->kind = field_value::type::big_integer;
      value->copy = std::to_string(number);
      value->text = value->copy;
    }
    return true;
  }
  bool on_double(double number, string_view, error_code&) {
    if (auto* value = target()) {
      value->kind = field_value::type::real;
      value->real = number;
    }
    return true;
  }
  bool on_bool(bool flag, error_code&) {
    if (auto* value = target()) {
      value->kind = field_value::type::boolean;
      value->integer = flag ? 1 : 0;
    }
    return true;
  }
  bool on_null(error_code&) {
    if (auto* value = target())
      value->kind = field_value::type::null;
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

} // namespace

struct record_fields::handler {
  boost::json::basic_parser<field_sink> parser{validated_input()};

  static boost::json::parse_options validated_input() {
    boost::json::parse_options options;
    options.allow_invalid_utf8 = true; // the page parser checked it
    return options;
  }
};

record_fields::record_fields(const table_layout& layout)
  : values_(layout.columns.size()), parser_(std::make_unique<handler>()) {
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    std::string path;
    for (const auto& part : layout.columns[i].path)
      path += (path.empty() ? "" : std::string(1, path_separator)) + part;
    columns_.emplace(std::move(path), i);
  }
  auto& sink = parser_->parser.handler();
  sink.columns = &columns_;
  sink.values = &values_;
}

record_fields::~record_fields() = default;

void record_fields::read(std::string_view data) {
  for (auto& value : values_)
    value.kind = field_value::type::null;
  auto& parser = parser_->parser;
  parser.reset();
  parser.handler().depth = 0;
  parser.handler().in_array.clear();
  parser.handler().record = data;
  error_code error;
  auto used = parser.write_some(false, data.data(), data.size(), error);
  if (error || used != data.size())
    throw store_error("a record is not valid JSON: " + (error ? error.message() : "trailing data"));
}

} // namespace klarna::stores
