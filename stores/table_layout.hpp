#pragma once

#include <boost/json/fwd.hpp>

#include <string>
#include <vector>

namespace klarna::stores {

/// How a stream's records map to a database table: a typed column per top-level
/// scalar field of the stream's JSON schema, the `totals` object flattened into
/// `totals_<field>` columns, and the whole record as JSON in `_record`.
struct table_column {
  enum class type { integer, real, text, boolean };
  std::string name;
  /// Where the value sits in a record: {"amount"} or {"totals", "sale_amount"}.
  std::vector<std::string> path;
  type kind = type::text;
};

struct table_layout {
  std::string table;
  std::vector<table_column> columns;
  /// Column names that identify a record (payouts: payment_reference); empty when
  /// none does.
  std::vector<std::string> primary_key;
};

/// The layout of `stream`'s table from its JSON schema (as discover describes it).
table_layout layout_for(const std::string& stream, const boost::json::value& schema,
                        std::vector<std::string> primary_key);

} // namespace klarna::stores
