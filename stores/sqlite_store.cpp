#include "stores/sqlite_store.hpp"

#include "stores/sql_text.hpp"

#include <sqlite3.h>

#include <memory>

namespace klarna::stores {

namespace {

const char* sql_type(table_column::type kind) {
  switch (kind) {
    case table_column::type::integer:
    case table_column::type::boolean:
      return "INTEGER";
    case table_column::type::real:
      return "REAL";
    case table_column::type::text:
      return "TEXT";
  }
  return "TEXT";
}


// Binds without copying: the value lives until the statement has run.
void bind_value(sqlite3_stmt* statement, int index, const field_value& value) {
  switch (value.kind) {
    case field_value::type::null:
      sqlite3_bind_null(statement, index);
      break;
    case field_value::type::integer:
    case field_value::type::boolean:
      sqlite3_bind_int64(statement, index, value.integer);
      break;
    case field_value::type::real:
      sqlite3_bind_double(statement, index, value.real);
      break;
    case field_value::type::big_integer: // beyond int64: kept exact as text
    case field_value::type::text:
      sqlite3_bind_text(statement, index, value.text.data(), static_cast<int>(value.text.size()),
                        SQLITE_STATIC);
      break;
  }
}

// Called after each commit with the number of pages in the log.
int on_wal_commit(void* checkpointer, sqlite3* writer, const char*, int pages) {
  static_cast<wal_checkpointer*>(checkpointer)->wal_grew(writer, pages);
  return SQLITE_OK;
}

} // namespace

void sqlite_closer::operator()(sqlite3* db) const { sqlite3_close(db); }

void sqlite_statement_closer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

sqlite_store::sqlite_store(const std::string& path) : path_(path) {
  sqlite3* opened = nullptr;
  // One thread uses the connection (the sink's): no locking inside SQLite.
  int result = sqlite3_open_v2(path.c_str(), &opened,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr);
  db_.reset(opened); // SQLite may hand out a handle even when opening fails: closed either way
  if (result != SQLITE_OK)
    fail("cannot open the database");
  sqlite3_busy_timeout(db_.get(), 60'000); // another writer (a report, a backup) may hold the lock a while
  // Large pages: a record and its columns take about 1 KiB, so 4 KiB pages meant a
  // write call per few records (page size only applies to a new database).
  execute("PRAGMA page_size=65536");
  execute("PRAGMA journal_mode=WAL");
  execute("PRAGMA synchronous=NORMAL");
  execute("PRAGMA journal_size_limit=" + std::to_string(wal_checkpointer::log_file_limit_bytes));
  // Debian builds SQLite with SECURE_DELETE on, which writes every page a replaced
  // table frees as zeros (through the log, then the file): replacing 1,000,000
  // transactions wrote 1 GiB of zeros. FAST still clears deleted rows inside pages
  // that are written anyway; freed pages keep their bytes until reused, as in
  // upstream SQLite's default (docs/SINKS.md says how to scrub them).
  execute("PRAGMA secure_delete=FAST");
  checkpointer_ = std::make_unique<wal_checkpointer>(path);
  sqlite3_wal_autocheckpoint(db_.get(), 0);
  sqlite3_wal_hook(db_.get(), on_wal_commit, checkpointer_.get());
  create_state_tables();
}

void sqlite_store::fail(const std::string& what) {
  std::string reason = db_ != nullptr ? sqlite3_errmsg(db_.get()) : "out of memory";
  throw store_error("SQLite database '" + path_ + "': " + what + ": " + reason);
}

void sqlite_store::rollback() noexcept {
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void sqlite_store::execute(const std::string& sql) {
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("'" + sql.substr(0, 80) + "' failed");
}

std::vector<std::vector<std::string>> sqlite_store::query(const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    fail("'" + sql.substr(0, 80) + "' failed");
  statement_ptr statement(raw);
  std::vector<std::vector<std::string>> rows;
  int step;
  while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(statement.get()); ++i) {
      const auto* text = sqlite3_column_text(statement.get(), i);
      row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE)
    fail("'" + sql.substr(0, 80) + "' failed");
  return rows;
}

void sqlite_store::create_tables(const table_layout& layout) {
  auto key = key_list(layout);
  execute("CREATE TABLE IF NOT EXISTS " + quoted(layout.table) + " ("
          + column_definitions(layout, sql_type) + ", \"_record\" TEXT NOT NULL"
          + (key.empty() ? "" : ", PRIMARY KEY (" + key + ")") + ")");
}

// The staging table has the table's shape without its key: a stream without a key
// replaces its table with it (statements_completing). It outlives the connection,
// so a cut sync can resume into it.
void sqlite_store::create_staging_table(const table_layout& layout) {
  writers_.erase(layout.table); // its insert was prepared for the table being dropped
  execute("CREATE TABLE " + staging_table(layout.table) + " ("
          + column_definitions(layout, sql_type) + ", \"_record\" TEXT NOT NULL)");
}

// SQLite finds the largest rowid at the end of the table's b-tree.
std::string sqlite_store::last_staged_row(const std::string& stream) const {
  return "(SELECT COALESCE(MAX(rowid), 0) FROM " + staging_table(stream) + ")";
}

bool sqlite_store::table_exists(const std::string& name) {
  return !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = " + literal(name))
            .empty();
}

std::vector<std::string> sqlite_store::column_names(const std::string& table) {
  std::vector<std::string> names;
  for (auto& row : query("SELECT name FROM pragma_table_info(" + literal(table) + ")"))
    names.push_back(std::move(row.at(0)));
  return names;
}

const char* sqlite_store::column_type(table_column::type kind) const { return sql_type(kind); }

sqlite_store::batch_writer& sqlite_store::writer_for(const std::string& stream) {
  auto found = writers_.find(stream);
  if (found != writers_.end())
    return found->second;
  const auto& layout = layout_of(stream);
  std::string placeholders;
  for (std::size_t i = 0; i <= layout.columns.size(); ++i)
    placeholders += i == 0 ? "?" : ", ?";
  auto sql = "INSERT INTO " + staging_table(stream) + " (" + column_list(layout) + ") VALUES ("
             + placeholders + ")";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    fail("cannot prepare the insert into " + stream);
  batch_writer writer{statement_ptr(raw), std::make_unique<record_fields>(layout)};
  return writers_.emplace(stream, std::move(writer)).first->second;
}

void sqlite_store::stage_records(const std::string& stream, const protocol::record_batch& records) {
  if (auto failure = checkpointer_->failure(); !failure.empty())
    throw store_error("SQLite database '" + path_ + "': " + failure);
  auto& writer = writer_for(stream);
  auto* insert = writer.insert.get();
  records.for_each([&](std::string_view data) {
    writer.fields->read(data);
    int index = 1;
    for (const auto& value : writer.fields->values())
      bind_value(insert, index++, value);
    sqlite3_bind_text(insert, index, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    int step = sqlite3_step(insert);
    sqlite3_reset(insert);
    if (step != SQLITE_DONE)
      fail("cannot insert a record into the staging table of " + stream);
  });
}

} // namespace klarna::stores
