#include "sinks/airbyte_output.hpp"

#include "config/input_error.hpp"
#include "pipeline/messages/exception_policy.hpp"
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
using protocol::log_level;

struct output_state {
  std::FILE* out = nullptr;
  std::string failure; // the first write failure, empty while all is well
  std::string lines;   // a batch's RECORD lines (the buffer is kept for the next)
  /// Grants and time at the previous progress report, for the rate since then.
  std::uint64_t grants_at_last_report = 0;
  double seconds_at_last_report = 0;
};

using airbyte_output = airbyte_output_actor::stateful_pointer<output_state>;

// Writes and flushes `text`; after a failure nothing more is written.
sink_reply write_text(airbyte_output self, const std::string& text) {
  auto& state = self->state;
  if (state.failure.empty()
      && (std::fwrite(text.data(), 1, text.size(), state.out) != text.size()
          || std::fflush(state.out) != 0))
    state.failure = std::string("writing to stdout failed: ") + std::strerror(errno);
  return {state.failure};
}

// Progress as two LOG lines: the streams, and the budget since the previous report.
void write_progress(airbyte_output self, const protocol::progress_figures& progress) {
  auto& state = self->state;
  write_text(self, protocol::log_line(log_level::info, protocol::describe_progress(progress.streams)));
  auto seconds = progress.elapsed_seconds - state.seconds_at_last_report;
  write_text(self, protocol::log_line(log_level::info,
                                      protocol::describe_budget(progress.budget, progress.fetch,
                                                                state.grants_at_last_report, seconds)));
  state.grants_at_last_report = progress.budget.grants;
  state.seconds_at_last_report = progress.elapsed_seconds;
}

airbyte_output_actor::behavior_type airbyte_output_behavior(airbyte_output self, std::FILE* out) {
  messages::exit_on_exception(self);
  self->state.out = out;
  return {
    // The sink: records and states.
    [=](const sink_open_stream&) { return sink_reply{self->state.failure}; },
    [=](const sink_write_records& batch) {
      protocol::render_record_lines(batch.stream, batch.records, self->state.lines);
      return write_text(self, self->state.lines);
    },
    [=](const sink_checkpoint& checkpoint) {
      return write_text(self, protocol::stream_state_line(checkpoint.stream, checkpoint.stream_state,
                                                          checkpoint.record_count));
    },
    // What was emitted stays emitted; the WARN before it says that records come again.
    [=](const sink_restart_stream&) { return sink_reply{self->state.failure}; },
    [=](const sink_close_stream&) { return sink_reply{self->state.failure}; },
    [=](sink_finish) { return sink_reply{self->state.failure}; },
    // The reporter: statuses, logs, errors, progress, the summary.
    [=](const stream_status_report& report) {
      write_text(self, protocol::stream_status_line(report.stream, report.status,
                                                    report.rate_limited_until_ms));
      if (!report.detail.empty())
        write_text(self, protocol::log_line(log_level::info, report.stream + ": " + report.detail));
    },
    [=](const log_entry& entry) { write_text(self, protocol::log_line(entry.level, entry.message)); },
    [=](const stream_error& error) {
      write_text(self, protocol::error_trace_line(error.report, error.stream));
    },
    [=](const protocol::progress_figures& progress) { write_progress(self, progress); },
    [=](const run_summary& summary) {
      return write_text(self, protocol::log_line(log_level::info, protocol::describe(summary.figures)))
        .ok();
    },
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
  return spawn_airbyte_output(system, stdout);
}

const sink_registration registration{{"airbyte", "airbyte:",
                                      "Airbyte protocol messages on stdout (read's default)",
                                      make_airbyte_sink, nullptr, nullptr, /*writes_stdout=*/true}};

} // namespace

airbyte_output_actor spawn_airbyte_output(caf::actor_system& system, std::FILE* out) {
  widen_if_pipe(out);
  return system.spawn<caf::detached>(airbyte_output_behavior, out);
}

} // namespace klarna::sinks
