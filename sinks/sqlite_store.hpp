#pragma once

#include "sinks/table_layout.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;

namespace klarna::sinks {

/// A database operation failed; the message names the file and SQLite's reason.
class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The SQLite side of the sqlite sink, without actors (unit tested alone).
///
/// A sync writes each stream into a staging table, one SQL transaction per batch
/// (WAL mode), and only a completed stream reaches its table, in one transaction
/// together with the stream's state in `_klarna_state`: payouts are upserted by
/// payment_reference, transactions (no key; full refresh) replace the table. So
/// readers never see a half-written batch or a half-read stream, and an
/// interrupted sync simply reruns.
class sqlite_store {
public:
  /// Opens or creates the database. Throws store_error.
  explicit sqlite_store(const std::string& path);
  ~sqlite_store();

  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  /// Creates the stream's table if needed and an empty staging table.
  void open_stream(const table_layout& layout);

  /// Adds the records of RECORD `lines` to the stream's staging table, in one
  /// transaction.
  void write_batch(const std::string& stream, std::string_view lines);

  /// Moves the staged records into the table and stores `state_json`, in one
  /// transaction; drops the staging table.
  void complete_stream(const std::string& stream, const std::string& state_json);

  /// Drops what was staged; the table keeps its last complete sync.
  void abandon_stream(const std::string& stream);

  /// The stored state of `stream`, if a sync of it ever completed.
  std::optional<std::string> state_of(const std::string& stream);

private:
  void execute(const std::string& sql);
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, table_layout> layouts_;
};

} // namespace klarna::sinks
