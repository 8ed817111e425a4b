#pragma once

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace klarna::stores {

/// Closes an SQLite connection (sqlite3_close).
struct sqlite_closer {
  void operator()(sqlite3* db) const;
};
using sqlite_ptr = std::unique_ptr<sqlite3, sqlite_closer>;

/// Finalizes a prepared statement (sqlite3_finalize).
struct sqlite_statement_closer {
  void operator()(sqlite3_stmt* statement) const;
};

} // namespace klarna::stores
