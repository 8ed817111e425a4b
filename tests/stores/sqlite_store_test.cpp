#include "stores/sqlite_store.hpp"
#include "support/record_batches.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

using namespace klarna::stores;

namespace {

// A database file that is removed afterwards.
struct temporary_database {
  std::string path = "sqlite_store_test_" + std::to_string(std::rand()) + ".db";
  ~temporary_database() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::remove((path + suffix).c_str());
  }
};

std::vector<std::string> column_of(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  std::vector<std::string> values;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    auto* text = sqlite3_column_text(statement, 0);
    values.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return values;
}

using klarna::testing::batch_of;

// One integer column "n", no primary key.
table_layout keyless_layout() { return {"t", {{"n", {"n"}, table_column::type::integer}}, {}}; }

table_layout keyed_layout() {
  return {"t",
          {{"id", {"id"}, table_column::type::text}, {"n", {"n"}, table_column::type::integer}},
          {"id"}};
}

} // namespace

TEST_CASE("staged batches reach the table only when the stream completes", "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  store.open_stream(keyed_layout(), false);
  store.write_batch("t", batch_of({R"({"id":"a","n":1})", R"({"id":"b"})"}));
  CHECK(column_of(file.path, "SELECT count(*) FROM t") == std::vector<std::string>{"0"});
  store.complete_stream("t", "{\"s\":1}", false);
  CHECK(column_of(file.path, "SELECT n FROM t ORDER BY id") == std::vector<std::string>{"1", "NULL"});
  CHECK(column_of(file.path, "SELECT state FROM _klarna_state") == std::vector<std::string>{"{\"s\":1}"});
}

TEST_CASE("a keyed stream is upserted; an abandoned sync leaves the table as it was", "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  store.open_stream(keyed_layout(), false);
  store.write_batch("t", batch_of({R"({"id":"a","n":1})", R"({"id":"b","n":2})"}));
  store.complete_stream("t", "{}", false);
  store.open_stream(keyed_layout(), false);
  store.write_batch("t", batch_of({R"({"id":"b","n":20})", R"({"id":"c","n":3})"}));
  store.complete_stream("t", "{}", false);
  CHECK(column_of(file.path, "SELECT id || '=' || n FROM t ORDER BY id")
        == std::vector<std::string>{"a=1", "b=20", "c=3"});
  store.open_stream(keyed_layout(), false);
  store.write_batch("t", batch_of({R"({"id":"a","n":99})"}));
  store.abandon_stream("t");
  CHECK(column_of(file.path, "SELECT n FROM t WHERE id = 'a'") == std::vector<std::string>{"1"});
}

TEST_CASE("a stream without a key is replaced by each complete sync, in order", "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  auto layout = keyless_layout();
  for (int sync = 0; sync < 2; ++sync) {
    store.open_stream(layout, false);
    store.write_batch("t", batch_of({R"({"n":3})", R"({"n":1})"}));
    store.write_batch("t", batch_of({R"({"n":2})"}));
    store.complete_stream("t", "{}", false);
  }
  CHECK(column_of(file.path, "SELECT n FROM t ORDER BY rowid") == std::vector<std::string>{"3", "1", "2"});
}

TEST_CASE("replacing a table frees its pages without writing them again", "[sinks]") {
  // Debian's SQLite writes every freed page as zeros (secure_delete=1): replacing a
  // large table cost as much I/O as writing it. With FAST the freed pages are left as
  // they were (docs/SINKS.md), so the old rows' bytes are still in the file.
  temporary_database file;
  {
    sqlite_store store(file.path);
    std::string old_row = R"({"n":1,"note":"first-sync-)" + std::string(200, 'x') + "\"}";
    std::vector<std::string> old_rows(400, old_row);
    store.open_stream(keyless_layout(), false);
    store.write_batch("t", batch_of(old_rows));
    store.complete_stream("t", "{}", false);
    store.open_stream(keyless_layout(), false);
    store.write_batch("t", batch_of({R"({"n":2})"}));
    store.complete_stream("t", "{}", false);
  } // the last connection closed: the log is in the file
  CHECK(column_of(file.path, "SELECT n FROM t") == std::vector<std::string>{"2"});
  std::ifstream bytes(file.path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(bytes)), std::istreambuf_iterator<char>());
  CHECK(content.find("first-sync-xxxx") != std::string::npos);
}

TEST_CASE("an incremental stream without a key is appended, in order", "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  auto layout = keyless_layout();
  store.open_stream(layout, false);
  store.write_batch("t", batch_of({R"({"n":3})", R"({"n":1})"}));
  store.complete_stream("t", "{}", false);
  store.open_stream(layout, false);
  store.write_batch("t", batch_of({R"({"n":2})", R"({"n":5})"}));
  store.complete_stream("t", "{}", true);
  CHECK(column_of(file.path, "SELECT n FROM t ORDER BY rowid")
        == std::vector<std::string>{"3", "1", "2", "5"});
}

TEST_CASE("a cut sync resumes into its staging table from its last checkpoint", "[sinks]") {
  temporary_database file;
  auto layout = keyless_layout();
  {
    sqlite_store store(file.path);
    store.open_stream(layout, false);
    store.write_batch("t", batch_of({R"({"n":1})", R"({"n":2})"}));
    store.checkpoint_stream("t", "{\"cut\":2}");
    store.write_batch("t", batch_of({R"({"n":3})"})); // after the checkpoint: lost
    store.abandon_stream("t");
    auto saved = store.saved_states();
    REQUIRE(saved.count("t") == 1);
    CHECK(saved["t"].message == "{\"cut\":2}");
    CHECK(saved["t"].cut);
  }
  sqlite_store store(file.path); // the next sync
  store.open_stream(layout, true);
  store.write_batch("t", batch_of({R"({"n":3})", R"({"n":4})"}));
  store.complete_stream("t", "{\"done\":1}", false);
  CHECK(column_of(file.path, "SELECT n FROM t ORDER BY rowid")
        == std::vector<std::string>{"1", "2", "3", "4"});
  auto saved = store.saved_states();
  CHECK(saved["t"].message == "{\"done\":1}");
  CHECK_FALSE(saved["t"].cut);
  // Without resume, what a cut sync staged is dropped.
  store.open_stream(layout, false);
  store.write_batch("t", batch_of({R"({"n":7})"}));
  store.checkpoint_stream("t", "{}");
  store.open_stream(layout, false);
  store.complete_stream("t", "{}", false);
  CHECK(column_of(file.path, "SELECT count(*) FROM t") == std::vector<std::string>{"0"});
}

TEST_CASE("a database that cannot be opened is a store_error naming it", "[sinks]") {
  CHECK_THROWS_WITH(sqlite_store("/nonexistent-dir/x.db"),
                    Catch::Contains("/nonexistent-dir/x.db") && Catch::Contains("cannot open"));
}

TEST_CASE("batches share one transaction, committed by the next checkpoint", "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  auto layout = keyless_layout();
  store.open_stream(layout, false);
  store.write_batch("t", batch_of({R"({"n":1})", R"({"n":2})"}));
  store.write_batch("t", batch_of({R"({"n":3})"}));
  const std::string staged = "SELECT count(*) FROM _klarna_staging_t";
  CHECK(column_of(file.path, staged) == std::vector<std::string>{"0"}); // not yet committed
  store.checkpoint_stream("t", "{\"at\":3}");
  CHECK(column_of(file.path, staged) == std::vector<std::string>{"3"});
}

TEST_CASE("a failed batch rolls back what followed the last checkpoint, never what it covers",
          "[sinks]") {
  temporary_database file;
  auto layout = keyless_layout();
  {
    sqlite_store store(file.path);
    store.open_stream(layout, false);
    store.write_batch("t", batch_of({R"({"n":1})"}));
    store.checkpoint_stream("t", "{\"at\":1}");
    store.write_batch("t", batch_of({R"({"n":2})"}));
    CHECK_THROWS_AS(store.write_batch("t", batch_of({R"({"n":3})", "not json"})), store_error);
    CHECK(column_of(file.path, "SELECT n FROM _klarna_staging_t") == std::vector<std::string>{"1"});
    store.write_batch("t", batch_of({R"({"n":2})"})); // a new transaction
    store.checkpoint_stream("t", "{\"at\":2}");
  }
  CHECK(column_of(file.path, "SELECT n FROM _klarna_staging_t ORDER BY rowid")
        == std::vector<std::string>{"1", "2"});
}

TEST_CASE("the write-ahead log reaches the database file while the writer keeps writing",
          "[sinks]") {
  temporary_database file;
  sqlite_store store(file.path);
  auto layout = keyless_layout();
  store.open_stream(layout, false);
  // 24 MiB in 24 commits: past the checkpointer's 16 MiB, below SQLite's own 64 MiB.
  std::vector<std::string> records(1024, R"({"n":1,"pad":")" + std::string(1000, 'x') + "\"}");
  for (int commit = 0; commit < 24; ++commit) {
    store.write_batch("t", batch_of(records));
    store.checkpoint_stream("t", "{}");
  }
  auto size_of = [](const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::fseek(f, 0, SEEK_END);
    long size = std::ftell(f);
    std::fclose(f);
    return size;
  };
  // The copy runs on the checkpointer's thread, asked at each commit: the writer goes
  // on committing (small state updates) while it copies. A copy can stop short of the
  // log's end when it races a commit (seen in the sanitizer build), and the next
  // commit asks again.
  for (int wait = 0; wait < 100 && size_of(file.path) < (16 << 20); ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store.checkpoint_stream("t", "{}");
  }
  CHECK(size_of(file.path) >= (16 << 20));
}

TEST_CASE("a table made by an older version gains the columns a newer schema adds", "[sinks]") {
  temporary_database file;
  table_layout older{"t", {{"id", {"id"}, table_column::type::text}}, {"id"}};
  {
    sqlite_store store(file.path);
    store.open_stream(older, false);
    store.write_batch("t", batch_of({R"({"id":"a","n":1})"}));
    store.complete_stream("t", "{\"s\":1}", true);
    // A second sync is cut after a checkpoint: its staging table stays, of the old shape.
    store.open_stream(older, false);
    store.write_batch("t", batch_of({R"({"id":"b","n":2})"}));
    store.checkpoint_stream("t", "{\"s\":2}");
  }
  // The newer version resumes it with a schema that has "n" too.
  sqlite_store store(file.path);
  store.open_stream(keyed_layout(), true);
  store.write_batch("t", batch_of({R"({"id":"c","n":3})"}));
  store.complete_stream("t", "{\"s\":3}", true);
  CHECK(column_of(file.path, "SELECT name FROM pragma_table_info('t')")
        == std::vector<std::string>{"id", "_record", "n"});
  // Rows written before the column existed have no value in it; later ones do.
  CHECK(column_of(file.path, "SELECT id || ':' || coalesce(n, 'NULL') FROM t ORDER BY id")
        == std::vector<std::string>{"a:NULL", "b:NULL", "c:3"});
}
