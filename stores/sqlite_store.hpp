#pragma once

#include "stores/record_fields.hpp"
#include "stores/sqlite_handles.hpp"
#include "stores/table_store.hpp"
#include "stores/wal_checkpointer.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace klarna::stores {

/// The SQLite database of `--sink sqlite:FILE` (WAL mode, the log copied into the
/// database by a wal_checkpointer; table_store says how it is written).
class sqlite_store : public table_store {
public:
  /// Opens or creates the database. Throws store_error.
  explicit sqlite_store(const std::string& path);

protected:
  void stage_records(const std::string& stream, const protocol::record_batch& records) override;
  void execute(const std::string& sql) override;
  std::vector<std::vector<std::string>> query(const std::string& sql) override;
  void rollback() noexcept override;
  void create_tables(const table_layout& layout) override;
  void create_staging_table(const table_layout& layout) override;
  bool table_exists(const std::string& name) override;
  std::vector<std::string> column_names(const std::string& table) override;
  const char* column_type(table_column::type kind) const override;
  std::string order_column() const override { return "rowid"; }
  std::string last_staged_row(const std::string& stream) const override;

private:
  using statement_ptr = std::unique_ptr<sqlite3_stmt, sqlite_statement_closer>;
  /// A stream's prepared insert into its staging table, and the reader of its columns.
  struct batch_writer {
    statement_ptr insert;
    std::unique_ptr<record_fields> fields;
  };

  [[noreturn]] void fail(const std::string& what);
  batch_writer& writer_for(const std::string& stream);

  std::string path_;
  // Declared before db_, so it closes after it: the hook that calls it stays valid
  // while db_ closes.
  std::unique_ptr<wal_checkpointer> checkpointer_;
  sqlite_ptr db_;
  std::map<std::string, batch_writer> writers_;
};

} // namespace klarna::stores
