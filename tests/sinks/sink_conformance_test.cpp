// The sink contract, checked the same way on every sink kind whose output this test
// can read back (sinks/sink_registry.hpp): records published in order, nothing
// published for an incomplete stream, a restart voids what came before it, and a
// failed write latches. postgres: is covered by tests/integration/test_sinks.py
// (it needs a server); airbyte: writes to stdout, which the integration tests read.
#include "support/record_batches.hpp"
#include "sinks/sink_registry.hpp"

#include <boost/json/parse.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

using namespace klarna;
using namespace klarna::messages;
namespace fs = std::filesystem;

namespace {

using published_ids = std::optional<std::vector<std::int64_t>>;

// How to point a kind of sink at a fresh place, and read back what it published of
// the stream "payouts" (nullopt: nothing).
struct sink_case {
  std::string scheme;
  std::string target;
  std::function<published_ids()> published;
  /// A path that, made a link to /dev/full before the stream opens, fails its writes.
  std::string failing_path;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::int64_t> ids_of_lines(const std::string& text, bool csv) {
  std::vector<std::int64_t> ids;
  std::istringstream lines(text);
  std::string line;
  bool header = csv;
  while (std::getline(lines, line)) {
    if (header) {
      header = false;
      continue;
    }
    ids.push_back(csv ? std::stoll(line.substr(0, line.find(',')))
                      : boost::json::parse(line).at("id").as_int64());
  }
  return ids;
}

std::vector<sink_case> sink_cases(const fs::path& dir) {
  std::vector<sink_case> cases;
  // A file sink: DIR/payouts.<extension>, written as DIR/payouts.<extension>.part.
  auto file_sink = [&](const std::string& scheme, bool csv) {
    auto directory = dir / scheme;
    auto file = directory / ("payouts." + scheme);
    cases.push_back({scheme, directory.string(), [file, csv]() -> published_ids {
                       if (!fs::exists(file))
                         return std::nullopt;
                       return ids_of_lines(read_file(file), csv);
                     }, file.string() + ".part"});
  };
  file_sink("csv", true);
  file_sink("jsonl", false);
  cases.push_back({"sqlite", (dir / "k.db").string(), [dir]() -> published_ids {
                     sqlite3* db = nullptr;
                     sqlite3_open((dir / "k.db").c_str(), &db);
                     sqlite3_busy_timeout(db, 10'000);
                     sqlite3_stmt* query = nullptr;
                     published_ids ids;
                     if (sqlite3_prepare_v2(db, "SELECT id FROM payouts ORDER BY rowid", -1, &query,
                                            nullptr) == SQLITE_OK) {
                       ids.emplace();
                       while (sqlite3_step(query) == SQLITE_ROW)
                         ids->push_back(sqlite3_column_int64(query, 0));
                     }
                     sqlite3_finalize(query);
                     sqlite3_close(db);
                     return ids && !ids->empty() ? ids : std::nullopt;
                   }, ""});
  cases.push_back({"count", (dir / "counts.txt").string(), [dir]() -> published_ids {
                     // "payouts <records> complete": the count stands for the records.
                     std::istringstream line(read_file(dir / "counts.txt"));
                     std::string stream, state;
                     std::int64_t records = 0;
                     if (!(line >> stream >> records >> state) || state != "complete")
                       return std::nullopt;
                     return std::vector<std::int64_t>(records, 0);
                   }, ""});
  return cases;
}

struct conformance {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  fs::path directory = fs::temp_directory_path()
                       / ("sink_conformance_" + std::to_string(::getpid()) + "_"
                          + std::to_string(std::rand()));

  conformance() { fs::create_directories(directory); }
  ~conformance() { fs::remove_all(directory); }

  // Stops `sink` and waits until it is gone, so that nothing of it (SQLite's log
  // copier) still holds its output while the output is read.
  void stop(const sink_actor& sink) {
    self->monitor(sink);
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {});
  }

  template <class Message>
  sink_reply ask(const sink_actor& sink, Message message) {
    sink_reply reply{"no answer"};
    self->request(sink, caf::infinite, std::move(message))
      .receive([&](const sink_reply& answer) { reply = answer; },
               [&](const caf::error& error) { reply.failure = system.render(error); });
    return reply;
  }
};

// No primary key: a keyed table (SQLite's) is ordered by its key, not by arrival.
boost::json::value schema() {
  return boost::json::parse(
    R"({"type":"object","properties":{"id":{"type":"integer"},"note":{"type":["null","string"]}}})");
}

protocol::record_batch records(std::initializer_list<int> ids) {
  std::vector<std::string> records;
  for (int id : ids)
    records.push_back(R"({"id":)" + std::to_string(id) + R"(,"note":"a, \"quoted\" note"})");
  return testing::batch_of(records);
}

// Equal for kinds that keep the records; for count:, equal in number.
void check_published(const sink_case& kind, std::vector<std::int64_t> expected) {
  auto got = kind.published();
  INFO("sink " << kind.scheme);
  REQUIRE(got);
  if (kind.scheme == "count")
    std::fill(expected.begin(), expected.end(), 0);
  CHECK(*got == expected);
}

} // namespace

TEST_CASE("every sink publishes a complete stream's records in order", "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    auto sink = sinks::spawn_sink(test.system, kind.scheme + ":" + kind.target);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({3, 1, 2})}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"offset", 3}}, 3, false}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({5, 4})}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"offset", 5}}, 2, true}).ok());
    CHECK(test.ask(sink, sink_close_stream{"payouts", true}).ok());
    CHECK(test.ask(sink, sink_finish{}).ok());
    test.stop(sink);
    check_published(kind, {3, 1, 2, 5, 4});
  }
}

TEST_CASE("no sink publishes an incomplete stream", "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    auto sink = sinks::spawn_sink(test.system, kind.scheme + ":" + kind.target);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({1, 2})}).ok());
    CHECK(test.ask(sink, sink_close_stream{"payouts", false}).ok());
    CHECK(test.ask(sink, sink_finish{}).ok());
    test.stop(sink);
    INFO("sink " << kind.scheme);
    CHECK_FALSE(kind.published());
  }
}

TEST_CASE("a restart voids what every sink had of the stream", "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    auto sink = sinks::spawn_sink(test.system, kind.scheme + ":" + kind.target);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({1, 2})}).ok());
    CHECK(test.ask(sink, sink_restart_stream{"payouts"}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({7, 8, 9})}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"offset", 3}}, 3, true}).ok());
    CHECK(test.ask(sink, sink_close_stream{"payouts", true}).ok());
    CHECK(test.ask(sink, sink_finish{}).ok());
    test.stop(sink);
    check_published(kind, {7, 8, 9});
  }
}

TEST_CASE("a failed write latches in every file sink: each later request fails alike",
          "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    if (kind.failing_path.empty())
      continue;
    INFO("sink " << kind.scheme);
    fs::create_directories(fs::path(kind.failing_path).parent_path());
    fs::create_symlink("/dev/full", kind.failing_path);
    auto sink = sinks::spawn_sink(test.system, kind.scheme + ":" + kind.target);
    auto opened = test.ask(sink, sink_open_stream{"payouts", schema(), {}});
    auto failure = opened.ok() ? test.ask(sink, sink_write_records{"payouts", records({1})}) : opened;
    CHECK_FALSE(failure.ok());
    CHECK_THAT(failure.failure, Catch::Contains("No space left on device"));
    CHECK(test.ask(sink, sink_write_records{"payouts", records({2})}).failure == failure.failure);
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {}, 1, true}).failure == failure.failure);
    CHECK(test.ask(sink, sink_close_stream{"payouts", true}).failure == failure.failure);
    CHECK(test.ask(sink, sink_finish{}).failure == failure.failure);
    test.stop(sink);
    CHECK_FALSE(kind.published());
  }
}
