#include "sinks/airbyte_stdout_sink.hpp"

#include "protocol/airbyte_messages.hpp"
#include "messages/sink_contract.hpp"

#include <cerrno>
#include <cstring>

namespace klarna::sinks {

using namespace klarna::messages;

namespace {

struct stdout_sink_state {
  std::FILE* out = nullptr;
  std::string write_error; // first failure, empty while all is well
};

using stdout_sink_actor = caf::stateful_actor<stdout_sink_state>;

void write_text(stdout_sink_actor* self, const std::string& text) {
  auto& state = self->state;
  if (!state.write_error.empty())
    return;
  if (std::fwrite(text.data(), 1, text.size(), state.out) != text.size()
      || std::fflush(state.out) != 0) {
    state.write_error = std::string("writing to stdout failed: ") + std::strerror(errno);
    self->send(caf::actor_cast<caf::actor>(self->current_sender()), sink_failed{state.write_error});
  }
}

caf::behavior airbyte_stdout_sink(stdout_sink_actor* self, std::FILE* out) {
  self->state.out = out;
  return {
    [=](const sink_write_records& batch) {
      write_text(self, batch.lines);
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 sink_written{batch.stream_index});
    },
    [=](const sink_open_stream& open) {
      write_text(self, protocol::stream_status_line(open.stream, protocol::stream_status::started, {}));
    },
    [=](const sink_close_stream& close) {
      write_text(self, protocol::stream_status_line(close.stream,
                                                    close.complete
                                                      ? protocol::stream_status::complete
                                                      : protocol::stream_status::incomplete,
                                                    {}));
    },
    [=](const sink_stream_status& status) {
      write_text(self, protocol::stream_status_line(status.stream, status.status,
                                                    status.rate_limited_until_ms));
    },
    [=](const sink_checkpoint& checkpoint) {
      write_text(self, protocol::stream_state_line(checkpoint.stream, checkpoint.record_count));
    },
    [=](const sink_log& log) { write_text(self, protocol::log_line(log.level.c_str(), log.message)); },
    [=](const sink_error& error) {
      write_text(self, protocol::error_trace_line(error.message, error.internal_message,
                                                  error.failure, error.stream));
    },
    [=](sink_finish) {
      std::fflush(self->state.out);
      return sink_finished{self->state.write_error.empty(), self->state.write_error};
    },
  };
}

} // namespace

caf::actor spawn_airbyte_stdout_sink(caf::actor_system& system, std::FILE* out) {
  return system.spawn<caf::detached>(airbyte_stdout_sink, out);
}

} // namespace klarna::sinks
