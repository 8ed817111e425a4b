// The sink contract, checked the same way on every registered sink kind whose output
// this test can read back (sinks/sink_registry.hpp; a kind without a case fails
// here): records published in order, nothing published for an incomplete stream, a
// restart voids what came before it, a failed write latches, a sync that dies after
// a checkpoint is continued from the state the sink kept with every record once, and
// a write is answered only once written (the answer is the credit that lets fetching
// go on). postgres: is covered by tests/integration/test_sinks.py (it needs a
// server); airbyte: writes to stdout, which the integration tests read.
#include "support/record_batches.hpp"
#include "sinks/sink_registry.hpp"

#include <boost/json/parse.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
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
  void stop(const sink_actor& sink) { end(sink, caf::exit_reason::user_shutdown); }

  // Ends `sink` as a crash would: no close, no finish, what it holds dropped.
  void kill(const sink_actor& sink) { end(sink, caf::exit_reason::kill); }

  void end(const sink_actor& sink, caf::exit_reason reason) {
    self->monitor(sink);
    caf::anon_send_exit(sink, reason);
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

TEST_CASE("every registered sink kind is in this suite", "[conformance]") {
  conformance test;
  std::set<std::string> covered;
  for (const auto& kind : sink_cases(test.directory))
    covered.insert(kind.scheme);
  // Covered elsewhere: they need a server, or write to stdout (see the top).
  covered.insert({"airbyte", "postgres"});
  for (const auto& kind : sinks::sink_kinds()) {
    INFO("a new sink kind needs a case in sink_cases(): " << kind.scheme);
    CHECK(covered.count(kind.scheme) == 1);
  }
}

namespace {

// The "n" of the state a sink kept of "payouts" (as a sync would continue from it),
// and whether the sync it came from was cut.
std::pair<std::int64_t, bool> kept_position(const std::string& uri) {
  auto saved = sinks::saved_states_of(uri);
  REQUIRE(saved.count("payouts") == 1);
  auto message = boost::json::parse(saved.at("payouts").message);
  return {message.at("stream").at("stream_state").at("n").as_int64(), saved.at("payouts").cut};
}

} // namespace

TEST_CASE("checkpoint, crash, continue from the kept state: every record once", "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    auto uri = kind.scheme + ":" + kind.target;
    if (!sinks::keeps_state(uri))
      continue; // a sink without state is always read in full
    INFO("sink " << kind.scheme);
    // A complete sync: records 1 and 2.
    auto sink = sinks::spawn_sink(test.system, uri);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({1, 2})}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"n", 2}}, 2, true}).ok());
    CHECK(test.ask(sink, sink_close_stream{"payouts", true}).ok());
    CHECK(test.ask(sink, sink_finish{}).ok());
    test.stop(sink);
    // The next one continues it, checkpoints after 3, and dies after writing 4.
    REQUIRE(kept_position(uri) == std::pair<std::int64_t, bool>{2, false});
    sink = sinks::spawn_sink(test.system, uri);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}, true}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({3})}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"n", 3}}, 1, false}).ok());
    CHECK(test.ask(sink, sink_write_records{"payouts", records({4})}).ok());
    test.kill(sink);
    // A third continues from what the sink kept: after 2 (published) or after 3
    // (a sink that keeps a cut sync's checkpoints), and completes with 5.
    auto [after, cut] = kept_position(uri);
    CHECK(((after == 2 && !cut) || (after == 3 && cut)));
    sink = sinks::spawn_sink(test.system, uri);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}, true, cut}).ok());
    std::vector<std::string> rest;
    for (auto id = after + 1; id <= 5; ++id)
      rest.push_back(R"({"id":)" + std::to_string(id) + "}");
    CHECK(test.ask(sink, sink_write_records{"payouts", testing::batch_of(rest)}).ok());
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"n", 5}}, rest.size(), true}).ok());
    CHECK(test.ask(sink, sink_close_stream{"payouts", true}).ok());
    CHECK(test.ask(sink, sink_finish{}).ok());
    test.stop(sink);
    check_published(kind, {1, 2, 3, 4, 5});
    CHECK(kept_position(uri) == std::pair<std::int64_t, bool>{5, false});
  }
}

TEST_CASE("a file sink answers a write only once it is written: a blocked output holds it",
          "[conformance]") {
  conformance test;
  for (const auto& kind : sink_cases(test.directory)) {
    if (kind.failing_path.empty())
      continue;
    INFO("sink " << kind.scheme);
    // The part file is a pipe that nobody drains yet: the sink's writes block on it.
    fs::create_directories(fs::path(kind.failing_path).parent_path());
    REQUIRE(::mkfifo(kind.failing_path.c_str(), 0600) == 0);
    int reader = ::open(kind.failing_path.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    auto sink = sinks::spawn_sink(test.system, kind.scheme + ":" + kind.target);
    CHECK(test.ask(sink, sink_open_stream{"payouts", schema(), {}}).ok());
    // More than a pipe holds (64 KiB): no answer while it is not drained.
    std::vector<int> ids(4000);
    std::iota(ids.begin(), ids.end(), 1);
    std::vector<std::string> batch;
    for (int id : ids)
      batch.push_back(R"({"id":)" + std::to_string(id) + R"(,"note":")" + std::string(40, 'x') + "\"}");
    bool answered = false;
    test.self->request(sink, std::chrono::milliseconds(500),
                       sink_write_records{"payouts", testing::batch_of(batch)})
      .receive([&](const sink_reply&) { answered = true; }, [](const caf::error&) {});
    CHECK_FALSE(answered);
    // Drained, the write completes; the next request is answered after it.
    std::atomic<bool> done{false};
    std::thread drain([&] {
      char buffer[1 << 16];
      while (!done)
        if (::read(reader, buffer, sizeof buffer) <= 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    CHECK(test.ask(sink, sink_checkpoint{"payouts", {{"n", 4000}}, 4000, false}).ok());
    done = true;
    drain.join();
    ::close(reader);
    CHECK(test.ask(sink, sink_close_stream{"payouts", false}).ok());
    test.stop(sink);
  }
}
