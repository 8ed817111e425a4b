#pragma once

#include "stores/table_layout.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace klarna::stores {

/// A database operation failed; the message names the database and the reason.
class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What the database sink (sinks/database_sink.cpp) needs of a database, whichever
/// it is. Every implementation keeps the same promise: a sync writes each stream
/// into a staging table, one transaction per batch, and only a completed stream
/// reaches its table — upserted on its primary key, or replacing the table when it
/// has none (a full refresh) — in one transaction together with the stream's state
/// in `_klarna_state`. Readers never see a half-written batch or a half-read
/// stream, and an interrupted sync simply reruns. Operations throw store_error.
class table_store {
public:
  virtual ~table_store() = default;

  /// Creates the stream's table if needed and an empty staging table.
  virtual void open_stream(const table_layout& layout) = 0;

  /// Adds the records of RECORD `lines` to the stream's staging table, in one
  /// transaction.
  virtual void write_batch(const std::string& stream, std::string_view lines) = 0;

  /// Moves the staged records into the table and stores `state_json`, in one
  /// transaction; drops the staging table.
  virtual void complete_stream(const std::string& stream, const std::string& state_json) = 0;

  /// Drops what was staged; the table keeps its last complete sync.
  virtual void abandon_stream(const std::string& stream) = 0;

protected:
  /// Runs one SQL statement; throws store_error.
  virtual void execute(const std::string& sql) = 0;
  /// Ends the open transaction without its changes; never throws.
  virtual void rollback() noexcept = 0;
  /// Runs `work` between BEGIN and COMMIT; rolls back and rethrows if anything throws.
  void in_transaction(const std::function<void()>& work);
};

} // namespace klarna::stores
