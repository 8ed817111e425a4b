#pragma once

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
/// staging table with COPY; table_store says how the rest is written. Tables get a
/// `_row` identity column that keeps API order; `_record` is of type json (the
/// record's exact text).
class postgres_store : public table_store {
public:
  /// Connects with a libpq connection string or URI. Throws store_error (whose
  /// text never repeats the connection string: it may hold a password).
  explicit postgres_store(const std::string& conninfo);

  void open_stream(const table_layout& layout) override;
  void write_batch(const std::string& stream, std::string_view lines) override;
  void complete_stream(const std::string& stream, const std::string& state_json) override;
  void abandon_stream(const std::string& stream) override;

protected:
  void execute(const std::string& sql) override;
  void rollback() noexcept override;

private:
  [[noreturn]] void fail(const std::string& what);

  std::unique_ptr<pg_conn, pg_connection_closer> connection_;
  std::map<std::string, table_layout> layouts_;
};

} // namespace klarna::stores
