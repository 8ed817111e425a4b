#pragma once

#include "stores/table_layout.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace klarna::stores {

/// One column's value in a record. `null` stands for absent, null, or an object or
/// array where a scalar belongs (the record keeps it, the column cannot).
struct field_value {
  enum class type { null, integer, big_integer, real, boolean, text };
  type kind = type::null;
  std::int64_t integer = 0; // integer; boolean as 0 or 1
  double real = 0;
  /// text; for big_integer (beyond int64) its digits, so it stays exact. A view
  /// into the record read, or into `copy` when the text had escapes: valid until
  /// the next read.
  std::string_view text;
  std::string copy;
};

/// Reads the values of a layout's columns out of a record's JSON text in one SAX
/// pass, without building a tree: what both database stores bind or copy per record.
/// The records come from the page parser, which has validated them: their UTF-8 is
/// not checked again.
class record_fields {
public:
  explicit record_fields(const table_layout& layout);
  ~record_fields();
  record_fields(const record_fields&) = delete;
  record_fields& operator=(const record_fields&) = delete;

  /// Reads `data` (one record, a JSON object); values() then holds a value per
  /// column, in the layout's order. Throws store_error when `data` is not JSON.
  void read(std::string_view data);

  const std::vector<field_value>& values() const { return values_; }

private:
  struct handler;
  std::vector<field_value> values_;
  std::unique_ptr<handler> parser_;
};

} // namespace klarna::stores
