#pragma once

#include "protocol/record_batch.hpp"
#include "stores/table_layout.hpp"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace klarna::stores {

/// A database operation failed; the message names the database and the reason.
class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A stream's state as a database keeps it: an AirbyteStateMessage, and whether it
/// is the last checkpoint of a sync that was cut (else of one that completed).
struct saved_state {
  std::string message;
  bool cut = false;
};

/// What the database sink (sinks/database_sink.cpp) needs of a database, whichever
/// it is. Every implementation keeps the same promise: a sync writes each stream
/// into a staging table, batches committed together with the next checkpoint (or
/// every `staged_bytes_per_commit`), and only a completed stream
/// reaches its table — upserted on its primary key; without one, appended
/// (incremental) or replacing the table (full refresh) — in one transaction
/// together with the stream's state in `_klarna_state`. Readers never see a
/// half-written batch or a half-read stream. While a stream runs, each checkpoint
/// records its state and how many staged rows it covers in `_klarna_progress`, so a
/// sync that was cut resumes into the same staging table. Operations throw
/// store_error.
class table_store {
public:
  virtual ~table_store() = default;

  /// Creates the stream's table if needed. With `resume`, keeps the staging table
  /// of a cut sync, without the rows past its last checkpoint; otherwise starts an
  /// empty one.
  void open_stream(const table_layout& layout, bool resume);

  /// Adds the batch's records to the stream's staging table. The batch
  /// joins the open staging transaction: a commit per batch cost more than the
  /// inserts, and rows past the last checkpoint are deleted on resume anyway, so
  /// committing them earlier buys nothing. If it fails, that transaction is rolled
  /// back whole (the sync fails; the last checkpoint stays consistent).
  void write_batch(const std::string& stream, const protocol::record_batch& records);

  /// Everything staged so far is described by `state_json` (an AirbyteStateMessage).
  void checkpoint_stream(const std::string& stream, const std::string& state_json);

  /// Moves the staged records into the table (appended to a table without a primary
  /// key when `append`) and stores `state_json`, in one transaction.
  void complete_stream(const std::string& stream, const std::string& state_json, bool append);

  /// The stream stopped before it completed: its staging table and last checkpoint
  /// stay for the next sync to resume; the table keeps its last complete sync.
  void abandon_stream(const std::string&) {}

  /// Each stream's state: its last checkpoint when a sync of it was cut, else the
  /// state of its last complete sync, by stream.
  std::map<std::string, saved_state> saved_states();

  /// The layout a stream was opened with.
  const table_layout& layout_of(const std::string& stream) const { return layouts_.at(stream); }

protected:
  /// Runs one SQL statement; throws store_error.
  virtual void execute(const std::string& sql) = 0;
  /// The rows of a query, every value as text (empty for NULL); throws store_error.
  virtual std::vector<std::vector<std::string>> query(const std::string& sql) = 0;
  /// Ends the open transaction without its changes; never throws.
  virtual void rollback() noexcept = 0;
  /// Runs `work` in a transaction (the open staging transaction, if any) and commits;
  /// rolls back and rethrows if anything throws.
  void in_transaction(const std::function<void()>& work);
  /// The dialect's insert of a batch's records into the stream's staging table, inside
  /// the open transaction.
  virtual void stage_records(const std::string& stream, const protocol::record_batch& records) = 0;
  /// Creates the bookkeeping tables; stores call it once connected.
  void create_state_tables();

  /// The dialect's parts: the table and staging table of a stream, whether a table
  /// exists, and the staging column that keeps the records' order.
  virtual void create_tables(const table_layout& layout) = 0;
  virtual void create_staging_table(const table_layout& layout) = 0;
  virtual bool table_exists(const std::string& name) = 0;
  virtual std::string order_column() const = 0;
  /// The columns an existing table has, and the dialect's type of a column kind.
  virtual std::vector<std::string> column_names(const std::string& table) = 0;
  virtual const char* column_type(table_column::type kind) const = 0;
  /// An SQL expression for the largest order_column() value staged so far (0 if
  /// none, or any larger value no staged row has yet), without scanning the table.
  virtual std::string last_staged_row(const std::string& stream) const = 0;

private:
  /// Adds to `table` (made by an older version, whose schema lacked them) the
  /// layout's columns it does not have; their values in older rows stay NULL.
  void add_missing_columns(const table_layout& layout, const std::string& table);

  /// Bounds the uncommitted rows (and SQLite's WAL) when checkpoints are far apart.
  static constexpr std::size_t staged_bytes_per_commit = 64 << 20;

  std::map<std::string, table_layout> layouts_;
  bool staging_open_ = false;     // a transaction holds batches not yet committed
  std::size_t staged_bytes_ = 0;  // their size
};

} // namespace klarna::stores
