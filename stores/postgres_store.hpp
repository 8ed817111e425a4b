#pragma once

#include "stores/record_fields.hpp"
#include "stores/table_store.hpp"

#include <map>
#include <string>
#include <string_view>

#include <memory>

struct pg_conn;

namespace klarna::stores {

/// Closes a libpq connection (PQfinish).
struct pg_connection_closer {
  void operator()(pg_conn* connection) const;
};

/// The PostgreSQL database of `--sink postgres:CONNINFO` (libpq). Batches go into the
/// staging table in COPY's binary format, with one COPY that stays open until the
/// next statement, so the server stores a batch while the next one is encoded;
/// table_store says how the rest is written. Tables get a `_row` identity column
/// that keeps API order; `_record` is of type json (the record's exact text).
class postgres_store : public table_store {
public:
  /// Connects with a libpq connection string or URI. Throws store_error (whose
  /// text never repeats the connection string: it may hold a password).
  explicit postgres_store(const std::string& conninfo);

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
  std::string order_column() const override { return "\"_row\""; }
  std::string last_staged_row(const std::string& stream) const override;

private:
  [[noreturn]] void fail(const std::string& what);
  /// The reader of a stream's columns, made once per stream.
  record_fields& fields_for(const std::string& stream);
  /// Ends the open COPY, if any, and starts one into the staging table of `stream`.
  void start_copy(const std::string& stream);
  /// Ends the open COPY, if any, and checks that the server stored its rows.
  void end_copy();
  /// Sends bytes of the open COPY; false when libpq could not queue them.
  bool put_copy_data(std::string_view bytes);

  std::unique_ptr<pg_conn, pg_connection_closer> connection_;
  std::map<std::string, std::unique_ptr<record_fields>> fields_;
  /// A COPY ends (and waits for the server) once it has sent this much: a bound on
  /// what a stalled server holds unconfirmed beyond the sink's credits. Each COPY's
  /// end is a round trip and each start sets up the server's insert buffers anew:
  /// 200,000 transactions took 2.15 s ended every 512 KiB, 1.7 s every 4 MiB, 1.5 s
  /// every 16 MiB. 4 MiB loosens backpressure by a page of small records per 14 KiB.
  static constexpr std::size_t unconfirmed_bytes_limit = 4 << 20;

  std::string copying_; // the stream whose COPY is open, empty if none
  std::size_t unconfirmed_bytes_ = 0; // sent in the open COPY
  std::string rows_;    // a batch in COPY's binary format (kept for its capacity)
};

} // namespace klarna::stores
