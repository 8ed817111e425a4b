#include "stores/record_fields.hpp"

#include "stores/table_store.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <functional>
#include <unordered_map>

namespace klarna::stores {

namespace {

using boost::json::error_code;
using boost::json::string_view;

constexpr char path_separator = '\x1f';

constexpr std::size_t no_column = -1;

/// Where a top-level key leads: its column (or none) and whether columns lie one
/// level down in it (its value an object such as "totals").
struct top_key {
  std::size_t column = no_column;
  bool has_nested_columns = false;
};

/// The columns of a layout by key, looked up once per member of every record: an
/// open-addressing table hashed by a key's length and three of its bytes, each hit
/// confirmed by comparing the whole key (a general string hash cost more than the
/// rest of the lookup).
class column_lookup {
public:
  explicit column_lookup(const table_layout& layout) {
    std::vector<std::pair<std::string, top_key>> keys;
    auto entry_for = [&](const std::string& key) -> top_key& {
      for (auto& [name, entry] : keys)
        if (name == key)
          return entry;
      return keys.emplace_back(key, top_key{}).second;
    };
    for (std::size_t i = 0; i < layout.columns.size(); ++i) {
      const auto& path = layout.columns[i].path;
      if (path.size() == 1) {
        entry_for(path[0]).column = i;
      } else if (path.size() == 2) {
        entry_for(path[0]).has_nested_columns = true;
        nested_.emplace(path[0] + path_separator + path[1], i);
      }
    }
    std::size_t size = 16;
    while (size < 4 * keys.size())
      size *= 2;
    slots_.resize(size);
    for (auto& [name, entry] : keys) {
      auto at = slot_of(name);
      while (slots_[at].used)
        at = (at + 1) & (size - 1);
      slots_[at] = {std::move(name), entry, true};
    }
  }

  top_key top_level(std::string_view key) const {
    for (auto at = slot_of(key);; at = (at + 1) & (slots_.size() - 1)) {
      const auto& slot = slots_[at];
      if (!slot.used)
        return {};
      if (slot.key == key)
        return slot.entry;
    }
  }

  // `path` is "outer\x1fkey"; rare (only inside objects that hold columns).
  std::size_t nested(const std::string& path) const {
    auto found = nested_.find(path);
    return found == nested_.end() ? no_column : found->second;
  }

private:
  struct slot {
    std::string key;
    top_key entry;
    bool used = false;
  };

  std::size_t slot_of(std::string_view key) const {
    std::size_t hash = key.size();
    if (!key.empty()) {
      auto byte = [&](std::size_t i) { return static_cast<unsigned char>(key[i]); };
      hash ^= byte(0) << 8 ^ byte(key.size() / 2) << 16 ^ byte(key.size() - 1) << 24;
    }
    return (hash * 0x9E3779B97F4A7C15ull >> 32) & (slots_.size() - 1);
  }

  std::vector<slot> slots_; // a power of two, at most a quarter used
  std::unordered_map<std::string, std::size_t> nested_;
};

// The SAX handler: follows the key of top-level members and of members one level
// down, and stores scalars that belong to a column.
struct field_sink {
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  explicit field_sink(const table_layout& layout, std::vector<field_value>& values)
    : columns(layout), values(&values) {}

  column_lookup columns;
  std::vector<field_value>* values;
  std::size_t depth = 0;       // objects and arrays entered
  std::vector<bool> in_array;  // per level entered: an array (else an object)
  std::string key;             // the key being read (parts)
  top_key outer;               // the current top-level key's column
  std::string path;            // "outer\x1f", then the nested key, when outer has nested columns
  std::size_t outer_length = 0; // length of "outer\x1f" within `path`
  std::size_t nested_column = no_column; // the current nested key's column
  std::string text;            // a string value (parts)
  std::string_view record;     // the record being read

  void start(std::string_view data) {
    depth = 0;
    in_array.clear();
    record = data;
  }

  // The column the value now read belongs to, if any: a member of the record or of
  // an object in it, never an element of an array.
  field_value* target() {
    if (depth < 1 || depth > 2 || in_array.back())
      return nullptr;
    auto column = depth == 1 ? outer.column : nested_column;
    return column == no_column ? nullptr : &(*values)[column];
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
      nested_column = no_column;
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
    // Without escapes the whole key comes in `part`, a view of the record.
    std::string_view whole(part.data(), part.size());
    if (!key.empty())
      whole = key.append(part.data(), part.size());
    if (depth == 1) {
      outer = columns.top_level(whole);
      if (outer.has_nested_columns) {
        path.assign(whole).push_back(path_separator);
        outer_length = path.size();
      }
    } else if (depth == 2) {
      nested_column = no_column;
      if (outer.has_nested_columns) {
        path.resize(outer_length);
        path += whole;
        nested_column = columns.nested(path);
      }
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
  handler(const table_layout& layout, std::vector<field_value>& values)
    : parser(validated_input(), layout, values) {}

  boost::json::basic_parser<field_sink> parser;

  static boost::json::parse_options validated_input() {
    boost::json::parse_options options;
    options.allow_invalid_utf8 = true; // the page parser checked it
    return options;
  }
};

record_fields::record_fields(const table_layout& layout)
  : values_(layout.columns.size()), parser_(std::make_unique<handler>(layout, values_)) {}

record_fields::~record_fields() = default;

void record_fields::read(std::string_view data) {
  for (auto& value : values_)
    value.kind = field_value::type::null;
  auto& parser = parser_->parser;
  parser.reset();
  parser.handler().start(data);
  error_code error;
  auto used = parser.write_some(false, data.data(), data.size(), error);
  if (error || used != data.size())
    throw store_error("a record is not valid JSON: " + (error ? error.message() : "trailing data"));
}

} // namespace klarna::stores
