#include "sinks/sink_kit.hpp"

#include "config/input_error.hpp"
#include "pipeline/messages/exception_policy.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <filesystem>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;

struct kit_state {
  std::shared_ptr<record_writer> writer;
  /// The first failure: it answers every later request, and no hook runs after it.
  std::string failure;
};

using kit_sink = sink_actor::stateful_pointer<kit_state>;

template <class Hook>
sink_reply latched(kit_sink self, Hook&& hook) {
  auto& state = self->state;
  if (!state.failure.empty())
    return {state.failure};
  try {
    hook(*state.writer);
  } catch (const std::exception& e) {
    state.failure = e.what();
    if (state.failure.empty())
      state.failure = "the sink failed without saying why";
  }
  return {state.failure};
}

sink_actor::behavior_type kit_behavior(kit_sink self, std::shared_ptr<record_writer> writer) {
  messages::exit_on_exception(self);
  self->state.writer = std::move(writer);
  return {
    [=](const sink_open_stream& open) {
      return latched(self, [&](record_writer& w) { w.open(open); });
    },
    [=](const sink_write_records& batch) {
      return latched(self, [&](record_writer& w) { w.write(batch.stream, batch.records); });
    },
    [=](const sink_checkpoint& checkpoint) {
      return latched(self, [&](record_writer& w) { w.checkpoint(checkpoint); });
    },
    [=](const sink_restart_stream& restart) {
      return latched(self, [&](record_writer& w) { w.restart(restart.stream); });
    },
    [=](const sink_close_stream& close) {
      return latched(self, [&](record_writer& w) { w.close(close); });
    },
    [=](sink_finish) { return latched(self, [](record_writer& w) { w.finish(); }); },
  };
}

} // namespace

void create_sink_directory(const std::string& directory, const std::string& sink_uri) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec || !std::filesystem::is_directory(directory))
    throw config::input_error("--sink " + sink_uri + ": cannot create directory '" + directory + "'"
                              + (ec ? " (" + ec.message() + ")" : ""));
}

std::unique_ptr<stores::destination_lock> lock_directory(const std::string& directory,
                                                         const std::string& label) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  return stores::lock_file(directory + "/.source-klarna.lock", label);
}

sink_actor spawn_kit_sink(caf::actor_system& system, std::unique_ptr<record_writer> writer) {
  return system.spawn<caf::detached>(kit_behavior, std::shared_ptr<record_writer>(std::move(writer)));
}

} // namespace klarna::sinks
