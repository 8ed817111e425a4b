#include "sinks/airbyte_stdout_sink.hpp"

#include "config/input_error.hpp"
#include "messages/exception_policy.hpp"
#include "protocol/airbyte_messages.hpp"
#include "sinks/sink_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;
using protocol::stream_status;

struct stdout_sink_state {
  std::FILE* out = nullptr;
  std::string failure; // the first write failure, empty while all is well
  std::string lines;   // a batch's RECORD lines (the buffer is kept for the next)
};

using stdout_sink = sink_actor::stateful_pointer<stdout_sink_state>;

// Writes and flushes `text`; after a failure nothing more is written.
sink_reply write_text(stdout_sink self, const std::string& text) {
  auto& state = self->state;
  if (state.failure.empty()
      && (std::fwrite(text.data(), 1, text.size(), state.out) != text.size()
          || std::fflush(state.out) != 0))
    state.failure = std::string("writing to stdout failed: ") + std::strerror(errno);
  return {state.failure};
}

sink_actor::behavior_type airbyte_stdout_sink(stdout_sink self, std::FILE* out) {
  messages::exit_on_exception(self);
  self->state.out = out;
  return {
    [=](const sink_write_records& batch) {
      protocol::render_record_lines(batch.stream, batch.records, self->state.lines);
      return write_text(self, self->state.lines);
    },
    [=](const sink_open_stream& open) {
      return write_text(self, protocol::stream_status_line(open.stream, stream_status::started));
    },
    [=](const sink_close_stream& close) {
      auto status = close.complete ? stream_status::complete : stream_status::incomplete;
      return write_text(self, protocol::stream_status_line(close.stream, status));
    },
    [=](const sink_stream_status& status) {
      return write_text(self, protocol::stream_status_line(status.stream, status.status,
                                                           status.rate_limited_until_ms));
    },
    // What was emitted stays emitted; the WARN before it says that records come again.
    [=](const sink_restart_stream&) { return sink_reply{self->state.failure}; },
    [=](const sink_checkpoint& checkpoint) {
      return write_text(self, protocol::stream_state_line(checkpoint.stream, checkpoint.stream_state,
                                                          checkpoint.record_count));
    },
    [=](const log_entry& entry) {
      return write_text(self, protocol::log_line(entry.level, entry.message));
    },
    [=](const stream_error& error) {
      return write_text(self, protocol::error_trace_line(error.report, error.stream));
    },
    [=](sink_finish) { return sink_reply{self->state.failure}; },
  };
}

// A pipe holds 64 KiB by default: a page's 300 KiB of records then takes several
// wake-ups of writer and reader. Widened to 1 MiB (Linux's default limit for an
// unprivileged process) a page goes in one write; if the kernel refuses, the pipe
// stays as it was.
void widen_if_pipe(std::FILE* out) {
  struct stat status {};
  int fd = fileno(out);
  if (fd >= 0 && fstat(fd, &status) == 0 && S_ISFIFO(status.st_mode))
    fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

sink_actor make_airbyte_sink(caf::actor_system& system, const std::string& target) {
  if (!target.empty())
    throw config::input_error("--sink airbyte: takes no target (it writes to stdout), got 'airbyte:"
                              + target + "'");
  return spawn_airbyte_stdout_sink(system, stdout);
}

const sink_registration registration{
  {"airbyte", "airbyte:", "Airbyte protocol messages on stdout (read's default)", make_airbyte_sink}};

} // namespace

sink_actor spawn_airbyte_stdout_sink(caf::actor_system& system, std::FILE* out) {
  widen_if_pipe(out);
  return system.spawn<caf::detached>(airbyte_stdout_sink, out);
}

} // namespace klarna::sinks
