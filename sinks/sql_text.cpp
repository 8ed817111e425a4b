#include "sinks/sql_text.hpp"

namespace klarna::sinks {

std::string quoted(const std::string& name) {
  std::string text = "\"";
  for (char c : name)
    text += c == '"' ? std::string("\"\"") : std::string(1, c);
  return text + "\"";
}

std::string staging_table(const std::string& table) { return quoted("_klarna_staging_" + table); }

std::string column_list(const table_layout& layout) {
  std::string text;
  for (const auto& column : layout.columns)
    text += quoted(column.name) + ", ";
  return text + "\"_record\"";
}

std::string column_definitions(const table_layout& layout,
                               const char* (*type_name)(table_column::type)) {
  std::string text;
  for (const auto& column : layout.columns)
    text += (text.empty() ? "" : ", ") + quoted(column.name) + " " + type_name(column.kind);
  return text;
}

std::string key_list(const table_layout& layout) {
  std::string text;
  for (const auto& name : layout.primary_key)
    text += (text.empty() ? "" : ", ") + quoted(name);
  return text;
}

std::string merge_from_staging(const table_layout& layout, const std::string& order_column) {
  auto columns = column_list(layout);
  // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
  auto sql = "INSERT INTO " + quoted(layout.table) + " (" + columns + ") SELECT " + columns
             + " FROM " + staging_table(layout.table) + " WHERE true ORDER BY " + order_column;
  std::string updates;
  for (const auto& column : layout.columns)
    updates += quoted(column.name) + " = excluded." + quoted(column.name) + ", ";
  return sql + " ON CONFLICT (" + key_list(layout) + ") DO UPDATE SET " + updates
         + "\"_record\" = excluded.\"_record\"";
}

} // namespace klarna::sinks
