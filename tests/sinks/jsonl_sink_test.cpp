// The JSON-lines sink through the typed sink interface, as the emitter drives it.
#include "sinks/jsonl_sink.hpp"
#include "sinks/published_files.hpp"

#include "protocol/airbyte_messages.hpp"
#include "support/record_batches.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace klarna;
using namespace klarna::messages;
namespace fs = std::filesystem;

namespace {

struct sink_under_test {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  fs::path directory;
  sink_actor sink;

  /// `prepare` puts what earlier syncs left into the directory before the sink starts.
  explicit sink_under_test(const std::function<void(const fs::path&)>& prepare = {})
    : directory(fs::temp_directory_path()
                / ("jsonl_sink_test_" + std::to_string(::getpid()) + "_"
                   + std::to_string(std::rand()))) {
    fs::create_directories(directory);
    if (prepare)
      prepare(directory);
    sink = sinks::spawn_jsonl_sink(system, directory.string());
  }

  // Waits until the sink is gone (it removes unclosed parts as it goes), then
  // removes the directory.
  ~sink_under_test() {
    self->monitor(sink);
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {});
    std::error_code ignored;
    fs::remove_all(directory, ignored);
  }

  template <class Message>
  sink_reply ask(Message message) {
    sink_reply reply{"no answer"};
    self->request(sink, caf::infinite, std::move(message))
      .receive([&](const sink_reply& answer) { reply = answer; },
               [&](const caf::error& error) { reply.failure = system.render(error); });
    return reply;
  }

  std::string file(const std::string& name) const {
    std::ifstream in(directory / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

using testing::batch_of;

} // namespace

TEST_CASE("a complete stream becomes <stream>.jsonl with each record's data as sent",
          "[sinks]") {
  sink_under_test test;
  CHECK(test.ask(sink_open_stream{"payouts", {}, {"payment_reference"}}).ok());
  CHECK(fs::exists(test.directory / "payouts.jsonl.part"));
  CHECK(test.ask(sink_write_records{"payouts", batch_of({R"({"a":1})", R"({"b":"é"})"})})
          .ok());
  CHECK(test.ask(sink_write_records{"payouts", batch_of({R"({"c":9007199254740993})"})})
          .ok());
  // A checkpoint between pages, then the final one: state.json has the final state
  // with the records of both counted.
  CHECK(test.ask(sink_checkpoint{"payouts", {{"listing", {{"offset", 2}}}}, 2, false}).ok());
  boost::json::object final_state{{"payout_date", "2024-01-02T00:00:00Z"}};
  CHECK(test.ask(sink_checkpoint{"payouts", final_state, 1, true}).ok());
  CHECK(test.ask(sink_close_stream{"payouts", true}).ok());
  CHECK(test.ask(sink_finish{}).ok());
  CHECK(test.file("payouts.jsonl") == "{\"a\":1}\n{\"b\":\"é\"}\n{\"c\":9007199254740993}\n");
  CHECK_FALSE(fs::exists(test.directory / "payouts.jsonl.part"));
  // The state also records the file's length, which later appends cut it back to.
  auto committed = final_state;
  committed["committed_bytes"] = test.file("payouts.jsonl").size();
  CHECK(test.file("state.json")
        == "[" + protocol::stream_state_json("payouts", committed, 3) + "]\n");
}

TEST_CASE("records past the length state.json recorded are cut before an append", "[sinks]") {
  // A sync renamed its file and stopped before it wrote state.json (one of an
  // earlier version, whose key was jsonl_committed_bytes).
  boost::json::object state{{"payout_date", "2024-01-02T00:00:00Z"}, {"jsonl_committed_bytes", 8}};
  sink_under_test test([&](const fs::path& directory) {
    std::ofstream(directory / "payouts.jsonl") << "{\"a\":1}\n{\"uncommitted\":2}\n";
    std::ofstream(directory / "state.json")
      << "[" + protocol::stream_state_json("payouts", state, 1) + "]\n";
  });
  CHECK(test.ask(sink_open_stream{"payouts", {}, {}, true}).ok());
  CHECK(test.ask(sink_write_records{"payouts", batch_of({R"({"uncommitted":2})"})}).ok());
  CHECK(test.ask(sink_checkpoint{"payouts", state, 1, true}).ok());
  CHECK(test.ask(sink_close_stream{"payouts", true}).ok());
  CHECK(test.ask(sink_finish{}).ok());
  CHECK(test.file("payouts.jsonl") == "{\"a\":1}\n{\"uncommitted\":2}\n");
}

TEST_CASE("the states of streams a sync leaves alone stay in state.json", "[sinks]") {
  auto earlier = protocol::stream_state_json("transactions", {{"payouts_done", 4}}, 9);
  sink_under_test test([&](const fs::path& directory) {
    std::ofstream(directory / "state.json") << "[" + earlier + "]\n";
  });
  CHECK(test.ask(sink_open_stream{"payouts", {}, {}}).ok());
  CHECK(test.ask(sink_write_records{"payouts", batch_of({R"({"a":1})"})}).ok());
  CHECK(test.ask(sink_checkpoint{"payouts", {{"offset", 1}}, 1, true}).ok());
  CHECK(test.ask(sink_close_stream{"payouts", true}).ok());
  auto saved = sinks::saved_states_in(test.directory.string());
  REQUIRE(saved.size() == 2);
  CHECK(boost::json::parse(saved.at("transactions").message) == boost::json::parse(earlier));
  CHECK(boost::json::parse(saved.at("payouts").message)
          .at("stream").at("stream_state").at("committed_bytes") == 8);
}

TEST_CASE("a state.json that is not a list of states stops the sync before it starts", "[sinks]") {
  auto directory = fs::temp_directory_path() / ("jsonl_sink_test_bad_" + std::to_string(::getpid()));
  fs::create_directories(directory);
  std::ofstream(directory / "state.json") << "{\"not\": \"a list\"}";
  caf::actor_system_config config;
  caf::actor_system system{config};
  CHECK_THROWS_WITH(sinks::spawn_jsonl_sink(system, directory.string()),
                    Catch::Contains((directory / "state.json").string())
                      && Catch::Contains("not a list of Airbyte state messages"));
  CHECK_THROWS_WITH(sinks::saved_states_in(directory.string()),
                    Catch::Contains("remove it to sync every stream from the start"));
  fs::remove_all(directory);
}

TEST_CASE("an incomplete stream leaves no file behind", "[sinks]") {
  sink_under_test test;
  test.ask(sink_open_stream{"payouts", {}, {}});
  test.ask(sink_write_records{"payouts", batch_of({R"({"a":1})"})});
  CHECK(test.ask(sink_close_stream{"payouts", false}).ok());
  CHECK(test.ask(sink_finish{}).ok());
  CHECK_FALSE(fs::exists(test.directory / "payouts.jsonl"));
  CHECK_FALSE(fs::exists(test.directory / "payouts.jsonl.part"));
}

TEST_CASE("a write that fails is answered with the failure, and so is everything after",
          "[sinks]") {
  sink_under_test test;
  // The part file is /dev/full: every flush fails with ENOSPC.
  fs::create_symlink("/dev/full", test.directory / "payouts.jsonl.part");
  CHECK(test.ask(sink_open_stream{"payouts", {}, {}}).ok());
  auto written = test.ask(sink_write_records{"payouts", batch_of({R"({"a":1})"})});
  CHECK_FALSE(written.ok());
  CHECK_THAT(written.failure, Catch::Contains("cannot write")
                                && Catch::Contains("No space left on device"));
  CHECK(test.ask(sink_checkpoint{"payouts", {}, 1, true}).failure == written.failure);
  CHECK(test.ask(sink_close_stream{"payouts", true}).failure == written.failure);
  CHECK(test.ask(sink_finish{}).failure == written.failure);
  CHECK_FALSE(fs::exists(test.directory / "payouts.jsonl"));
}
