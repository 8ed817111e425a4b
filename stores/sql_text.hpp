#pragma once

#include "stores/table_layout.hpp"

#include <string>
#include <vector>

namespace klarna::stores {

// SQL text shared by the database sinks (SQLite and PostgreSQL speak the same
// dialect for everything here).

/// An identifier in double quotes, inner quotes doubled.
std::string quoted(const std::string& name);

/// A string literal in single quotes, inner quotes doubled (for text this program
/// made, such as states; record data is always bound or copied, never quoted).
std::string literal(const std::string& text);

/// The staging table of `table`: where a sync's batches wait until the stream completes.
std::string staging_table(const std::string& table);

/// "a", "b", ..., "_record": the columns a record fills.
std::string column_list(const table_layout& layout);

/// "a" <type>, "b" <type>, ..., with `type_name` giving each column's SQL type.
std::string column_definitions(const table_layout& layout,
                               const char* (*type_name)(table_column::type));

/// "k1", "k2": the primary key columns.
std::string key_list(const table_layout& layout);

/// The statements that move a completed stream from staging into its table. A keyed
/// stream is upserted on its primary key, in API order (`order_column` of the
/// staging table), and the staging table dropped; a stream without a key is
/// appended in that order when `append` (incremental), else (a full refresh) its
/// table is dropped and the staging table takes its place, with no copy.
std::vector<std::string> statements_completing(const table_layout& layout,
                                               const std::string& order_column, bool append);

} // namespace klarna::stores
