#include "stores/postgres_store.hpp"

#include "stores/copy_binary.hpp"
#include "stores/sql_text.hpp"

#include <libpq-fe.h>

#include <memory>

namespace klarna::stores {

namespace {

const char* postgres_type(table_column::type kind) {
  switch (kind) {
    case table_column::type::integer:
      return "BIGINT";
    case table_column::type::real:
      return "DOUBLE PRECISION";
    case table_column::type::text:
      return "TEXT";
    case table_column::type::boolean:
      return "BOOLEAN";
  }
  return "TEXT";
}

struct result_deleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

} // namespace

void pg_connection_closer::operator()(pg_conn* connection) const { PQfinish(connection); }

postgres_store::postgres_store(const std::string& conninfo)
  : connection_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(connection_.get()) != CONNECTION_OK) // also CONNECTION_BAD for a null handle
    fail("cannot connect");
  execute("SET client_min_messages = warning");
  create_state_tables();
}

void postgres_store::fail(const std::string& what) {
  std::string reason = connection_ != nullptr ? PQerrorMessage(connection_.get()) : "out of memory";
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
    reason.pop_back();
  throw store_error("PostgreSQL: " + what + ": " + reason);
}

void postgres_store::rollback() noexcept {
  if (!copying_.empty()) { // the server discards what the COPY sent
    PQputCopyEnd(connection_.get(), "the sync failed");
    while (result_ptr(PQgetResult(connection_.get())))
      ;
    copying_.clear();
    unconfirmed_bytes_ = 0;
  }
  PQclear(PQexec(connection_.get(), "ROLLBACK"));
}

void postgres_store::execute(const std::string& sql) {
  end_copy();
  result_ptr result(PQexec(connection_.get(), sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("'" + sql.substr(0, 80) + "' failed");
}

std::vector<std::vector<std::string>> postgres_store::query(const std::string& sql) {
  end_copy();
  result_ptr result(PQexec(connection_.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    fail("'" + sql.substr(0, 80) + "' failed");
  std::vector<std::vector<std::string>> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(result.get()); ++c)
      row.emplace_back(PQgetvalue(result.get(), r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

void postgres_store::create_tables(const table_layout& layout) {
  auto key = key_list(layout);
  execute("CREATE TABLE IF NOT EXISTS " + quoted(layout.table) + " ("
          + column_definitions(layout, postgres_type)
          + ", \"_record\" JSON NOT NULL, \"_row\" BIGINT GENERATED ALWAYS AS IDENTITY"
          + (key.empty() ? "" : ", PRIMARY KEY (" + key + ")") + ")");
}

void postgres_store::create_staging_table(const table_layout& layout) {
  fields_.erase(layout.table); // read afresh for the layout the table is made for
  execute("CREATE TABLE " + staging_table(layout.table) + " ("
          + column_definitions(layout, postgres_type)
          + ", \"_record\" JSON NOT NULL, \"_row\" BIGINT GENERATED ALWAYS AS IDENTITY)");
}

bool postgres_store::table_exists(const std::string& name) {
  return query("SELECT to_regclass(" + literal(quoted(name)) + ")").at(0).at(0) != "";
}

std::vector<std::string> postgres_store::column_names(const std::string& table) {
  std::vector<std::string> names;
  for (auto& row : query("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                         "current_schema() AND table_name = " + literal(table)))
    names.push_back(std::move(row.at(0)));
  return names;
}

const char* postgres_store::column_type(table_column::type kind) const {
  return postgres_type(kind);
}

record_fields& postgres_store::fields_for(const std::string& stream) {
  auto& fields = fields_[stream];
  if (!fields)
    fields = std::make_unique<record_fields>(layout_of(stream));
  return *fields;
}

// The identity's sequence knows its last value; MAX("_row") would scan the table.
std::string postgres_store::last_staged_row(const std::string& stream) const {
  return "COALESCE(pg_sequence_last_value(pg_get_serial_sequence("
         + literal(staging_table(stream)) + ", '_row')::regclass), 0)";
}

void postgres_store::stage_records(const std::string& stream, const protocol::record_batch& records) {
  if (copying_ != stream)
    start_copy(stream);
  auto& fields = fields_for(stream);
  rows_.clear(); // a batch that failed half-way left its rows unsent
  records.for_each([&](std::string_view data) {
    fields.read(data);
    append_copy_row(rows_, fields.values(), data);
  });
  if (!put_copy_data(rows_))
    fail("COPY into the staging table of " + stream + " failed");
  // Rows the server has not confirmed yet count as written: bound them, so a stalled
  // server still holds fetching back within a few pages.
  unconfirmed_bytes_ += rows_.size();
  if (unconfirmed_bytes_ >= unconfirmed_bytes_limit)
    end_copy();
}

void postgres_store::start_copy(const std::string& stream) {
  end_copy();
  result_ptr started(PQexec(connection_.get(), ("COPY " + staging_table(stream) + " ("
                                          + column_list(layout_of(stream))
                                          + ") FROM STDIN (FORMAT binary)")
                                           .c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN)
    fail("cannot start COPY into the staging table of " + stream);
  copying_ = stream;
  if (!put_copy_data(copy_binary_header))
    fail("COPY into the staging table of " + stream + " failed");
}

bool postgres_store::put_copy_data(std::string_view bytes) {
  return PQputCopyData(connection_.get(), bytes.data(), static_cast<int>(bytes.size())) == 1;
}

void postgres_store::end_copy() {
  if (copying_.empty())
    return;
  auto stream = std::move(copying_);
  copying_.clear();
  unconfirmed_bytes_ = 0;
  bool sent = put_copy_data(copy_binary_trailer) && PQputCopyEnd(connection_.get(), nullptr) == 1;
  result_ptr copied(PQgetResult(connection_.get()));
  bool stored = PQresultStatus(copied.get()) == PGRES_COMMAND_OK;
  while (result_ptr(PQgetResult(connection_.get())))
    ;
  if (!sent || !stored)
    fail("COPY into the staging table of " + stream + " failed");
}

} // namespace klarna::stores
