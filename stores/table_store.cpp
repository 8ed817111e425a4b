#include "stores/table_store.hpp"

#include "stores/sql_text.hpp"

#include <algorithm>
#include <ctime>

namespace klarna::stores {

namespace {

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

} // namespace

void table_store::in_transaction(const std::function<void()>& work) {
  if (!staging_open_)
    execute("BEGIN");
  staging_open_ = false; // committed or rolled back below
  staged_bytes_ = 0;
  try {
    work();
    execute("COMMIT");
  } catch (...) {
    rollback();
    throw;
  }
}

void table_store::write_batch(const std::string& stream, const protocol::record_batch& records) {
  if (!staging_open_) {
    execute("BEGIN");
    staging_open_ = true;
  }
  try {
    stage_records(stream, records);
  } catch (...) {
    staging_open_ = false;
    staged_bytes_ = 0;
    rollback();
    throw;
  }
  staged_bytes_ += records.bytes();
  if (staged_bytes_ >= staged_bytes_per_commit)
    in_transaction([] {});
}

void table_store::create_state_tables() {
  execute("CREATE TABLE IF NOT EXISTS _klarna_state (stream TEXT PRIMARY KEY, state TEXT NOT "
          "NULL, completed_at TEXT NOT NULL)");
  execute("CREATE TABLE IF NOT EXISTS _klarna_progress (stream TEXT PRIMARY KEY, state TEXT NOT "
          "NULL, staged_through BIGINT NOT NULL)");
}

void table_store::open_stream(const table_layout& layout, bool resume) {
  layouts_[layout.table] = layout;
  create_tables(layout);
  add_missing_columns(layout, layout.table);
  auto staging = staging_table(layout.table);
  if (resume && table_exists("_klarna_staging_" + layout.table)) {
    add_missing_columns(layout, "_klarna_staging_" + layout.table);
    auto progress = query("SELECT staged_through FROM _klarna_progress WHERE stream = "
                          + literal(layout.table));
    if (!progress.empty()) {
      // Batches written after the last checkpoint are not in its state: they come again.
      execute("DELETE FROM " + staging + " WHERE " + order_column() + " > " + progress[0][0]);
      return;
    }
  }
  execute("DROP TABLE IF EXISTS " + staging);
  execute("DELETE FROM _klarna_progress WHERE stream = " + literal(layout.table));
  create_staging_table(layout);
}

void table_store::add_missing_columns(const table_layout& layout, const std::string& table) {
  auto existing = column_names(table);
  for (const auto& column : layout.columns)
    if (std::find(existing.begin(), existing.end(), column.name) == existing.end())
      execute("ALTER TABLE " + quoted(table) + " ADD COLUMN " + quoted(column.name) + " "
              + column_type(column.kind));
}

void table_store::checkpoint_stream(const std::string& stream, const std::string& state_json) {
  in_transaction([&] {
    execute("DELETE FROM _klarna_progress WHERE stream = " + literal(stream));
    execute("INSERT INTO _klarna_progress (stream, state, staged_through) VALUES ("
            + literal(stream) + ", " + literal(state_json) + ", " + last_staged_row(stream) + ")");
  });
}

void table_store::complete_stream(const std::string& stream, const std::string& state_json,
                                  bool append) {
  const auto& layout = layouts_.at(stream);
  in_transaction([&] {
    for (const auto& sql : statements_completing(layout, order_column(), append))
      execute(sql);
    execute("DELETE FROM _klarna_progress WHERE stream = " + literal(stream));
    execute("INSERT INTO _klarna_state (stream, state, completed_at) VALUES (" + literal(stream)
            + ", " + literal(state_json) + ", " + literal(utc_now())
            + ") ON CONFLICT (stream) DO UPDATE SET state = excluded.state, completed_at = "
              "excluded.completed_at");
  });
}

std::map<std::string, saved_state> table_store::saved_states() {
  std::map<std::string, saved_state> states;
  for (const auto& row : query("SELECT stream, state FROM _klarna_state"))
    states[row.at(0)] = {row.at(1), false};
  for (const auto& row : query("SELECT stream, state FROM _klarna_progress"))
    states[row.at(0)] = {row.at(1), true};
  return states;
}

} // namespace klarna::stores
