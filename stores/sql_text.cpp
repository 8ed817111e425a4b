#include "stores/sql_text.hpp"

namespace klarna::stores {

std::string quoted(const std::string& name) {
  std::string text = "\"";
  for (char c : name)
    text += c == '"' ? std::string("\"\"") : std::string(1, c);
  return text + "\"";
}

std::string literal(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
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

std::vector<std::string> statements_completing(const table_layout& layout,
                                               const std::string& order_column, bool append) {
  auto table = quoted(layout.table);
  auto staging = staging_table(layout.table);
  auto columns = column_list(layout);
  if (layout.primary_key.empty() && append)
    return {"INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + staging
              + " ORDER BY " + order_column,
            "DROP TABLE " + staging};
  if (layout.primary_key.empty())
    return {"DROP TABLE " + table, "ALTER TABLE " + staging + " RENAME TO " + table};
  std::string updates;
  for (const auto& column : layout.columns)
    updates += quoted(column.name) + " = excluded." + quoted(column.name) + ", ";
  // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
  return {"INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + staging
            + " WHERE true ORDER BY " + order_column + " ON CONFLICT (" + key_list(layout)
            + ") DO UPDATE SET " + updates + "\"_record\" = excluded.\"_record\"",
          "DROP TABLE " + staging};
}

} // namespace klarna::stores
