#include "stores/postgres_store.hpp"

#include "stores/record_lines.hpp"
#include "stores/sql_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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

// A field of COPY's text format: backslash escapes for the bytes that delimit.
void append_copy_text(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void append_copy_value(std::string& out, const boost::json::value* value) {
  if (value == nullptr || value->is_uint64() || value->is_object() || value->is_array())
    out += "\\N"; // absent, null, beyond BIGINT, or not a scalar: the record keeps it
  else if (value->is_int64())
    out += std::to_string(value->get_int64());
  else if (value->is_double())
    out += boost::json::serialize(*value);
  else if (value->is_bool())
    out += value->get_bool() ? "t" : "f";
  else
    append_copy_text(out, value->get_string());
}

} // namespace

void pg_connection_closer::operator()(pg_conn* connection) const { PQfinish(connection); }

postgres_store::postgres_store(const std::string& conninfo)
  : connection_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(connection_.get()) != CONNECTION_OK) // also CONNECTION_BAD for a null handle
    fail("cannot connect");
  execute("SET client_min_messages = warning");
  execute("CREATE TABLE IF NOT EXISTS _klarna_state (stream TEXT PRIMARY KEY, state JSON NOT "
          "NULL, completed_at TIMESTAMPTZ NOT NULL)");
}

void postgres_store::fail(const std::string& what) {
  std::string reason = connection_ != nullptr ? PQerrorMessage(connection_.get()) : "out of memory";
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
    reason.pop_back();
  throw store_error("PostgreSQL: " + what + ": " + reason);
}

void postgres_store::rollback() noexcept { PQclear(PQexec(connection_.get(), "ROLLBACK")); }

void postgres_store::execute(const std::string& sql) {
  result_ptr result(PQexec(connection_.get(), sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("'" + sql.substr(0, 80) + "' failed");
}

void postgres_store::open_stream(const table_layout& layout) {
  auto columns = column_definitions(layout, postgres_type);
  auto key = key_list(layout);
  execute("CREATE TABLE IF NOT EXISTS " + quoted(layout.table) + " (" + columns
          + ", \"_record\" JSON NOT NULL, \"_row\" BIGINT GENERATED ALWAYS AS IDENTITY"
          + (key.empty() ? "" : ", PRIMARY KEY (" + key + ")") + ")");
  execute("DROP TABLE IF EXISTS " + staging_table(layout.table));
  execute("CREATE TABLE " + staging_table(layout.table) + " (" + columns
          + ", \"_record\" JSON NOT NULL, \"_row\" BIGINT GENERATED ALWAYS AS IDENTITY)");
  layouts_[layout.table] = layout;
}

void postgres_store::write_batch(const std::string& stream, std::string_view lines) {
  const auto& layout = layouts_.at(stream);
  std::string rows;
  rows.reserve(lines.size() * 2);
  for_each_record_data(lines, [&](std::string_view data) {
    auto record = boost::json::parse(data);
    const auto& object = record.as_object();
    for (const auto& column : layout.columns) {
      append_copy_value(rows, column_value(object, column));
      rows += '\t';
    }
    append_copy_text(rows, data);
    rows += '\n';
  });
  in_transaction([&] {
    result_ptr started(PQexec(connection_.get(), ("COPY " + staging_table(stream) + " ("
                                            + column_list(layout) + ") FROM STDIN")
                                             .c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN)
      fail("cannot start COPY into the staging table of " + stream);
    if (PQputCopyData(connection_.get(), rows.data(), static_cast<int>(rows.size())) != 1
        || PQputCopyEnd(connection_.get(), nullptr) != 1)
      fail("COPY into the staging table of " + stream + " failed");
    result_ptr copied(PQgetResult(connection_.get()));
    if (PQresultStatus(copied.get()) != PGRES_COMMAND_OK)
      fail("COPY into the staging table of " + stream + " failed");
    while (result_ptr(PQgetResult(connection_.get())))
      ;
  });
}

void postgres_store::complete_stream(const std::string& stream, const std::string& state_json) {
  const auto& layout = layouts_.at(stream);
  in_transaction([&] {
    for (const auto& sql : statements_completing(layout, "\"_row\""))
      execute(sql);
    const char* values[] = {stream.c_str(), state_json.c_str()};
    result_ptr saved(PQexecParams(
      connection_.get(),
      "INSERT INTO _klarna_state (stream, state, completed_at) VALUES ($1, $2, now()) "
      "ON CONFLICT (stream) DO UPDATE SET state = excluded.state, completed_at = now()",
      2, nullptr, values, nullptr, nullptr, 0));
    if (PQresultStatus(saved.get()) != PGRES_COMMAND_OK)
      fail("cannot store the state of " + stream);
  });
}

void postgres_store::abandon_stream(const std::string& stream) {
  execute("DROP TABLE IF EXISTS " + staging_table(stream));
}

} // namespace klarna::stores
