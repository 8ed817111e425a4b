// The sink kit: a record_writer becomes a sink actor that answers every request,
// and whose first failure answers every later request while no hook runs again.
#include "support/record_batches.hpp"
#include "sinks/sink_kit.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>

using namespace klarna;
using namespace klarna::messages;

namespace {

// Records what is asked of it; its second write fails.
struct calls {
  std::atomic<int> writes{0};
  std::atomic<int> hooks_after_failure{0};
  std::atomic<int> records{0};
};

class failing_second_write : public sinks::record_writer {
public:
  explicit failing_second_write(calls& seen) : seen_(seen) {}
  void open(const sink_open_stream&) override { note(); }
  void write(const std::string&, const protocol::record_batch& batch) override {
    note();
    batch.for_each([&](std::string_view data) {
      CHECK(data == R"({"n":1})");
      ++seen_.records;
    });
    if (++seen_.writes == 2)
      throw std::runtime_error("the disk is full");
  }
  void restart(const std::string&) override { note(); }
  void close(const sink_close_stream&) override { note(); }
  void finish() override { note(); }

private:
  void note() {
    if (seen_.writes >= 2)
      ++seen_.hooks_after_failure;
  }
  calls& seen_;
};

// `count` records {"n":1}.
protocol::record_batch records(std::size_t count) {
  return testing::batch_of(std::vector<std::string>(count, R"({"n":1})"));
}

} // namespace

TEST_CASE("the kit answers diagnostics itself and latches the first failure", "[sink_kit]") {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  calls seen;
  auto sink = sinks::spawn_kit_sink(system, std::make_unique<failing_second_write>(seen));
  auto ask = [&](auto message) {
    sink_reply reply{"no answer"};
    self->request(sink, caf::infinite, std::move(message))
      .receive([&](const sink_reply& answer) { reply = answer; },
               [&](const caf::error& error) { reply.failure = system.render(error); });
    return reply;
  };
  CHECK(ask(sink_open_stream{"payouts", {}, {}}).ok());
  CHECK(ask(sink_write_records{"payouts", records(2)}).ok());
  CHECK(seen.records == 2);
  CHECK(ask(sink_write_records{"payouts", records(1)}).failure == "the disk is full");
  CHECK(ask(sink_write_records{"payouts", records(1)}).failure == "the disk is full");
  CHECK(ask(sink_checkpoint{"payouts", {}, 1, true}).failure == "the disk is full");
  CHECK(ask(sink_close_stream{"payouts", true}).failure == "the disk is full");
  CHECK(ask(sink_finish{}).failure == "the disk is full");
  CHECK(seen.writes == 2);
  CHECK(seen.hooks_after_failure == 0);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
}
