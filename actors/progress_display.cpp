#include "actors/progress_display.hpp"

#include "config/printable_text.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "protocol/progress_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <set>

#include <sys/ioctl.h>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using protocol::progress_figures;

struct display_state {
  std::FILE* out = nullptr;
  bool terminal = false;
  std::size_t lines_drawn = 0;
  /// The HTTP statuses whose advice was shown ("HTTP 401"): a wrong key fails every
  /// stream alike, and the advice is said once.
  std::set<std::string> statuses_explained;
};

using display_actor = reporter_actor::stateful_pointer<display_state>;

// A message line: on a terminal it replaces the live display, which is drawn again
// below it with the next snapshot.
void say(display_actor self, const std::string& text) {
  auto& state = self->state;
  if (state.lines_drawn > 0)
    std::fprintf(state.out, "\x1b[%zuA\r\x1b[J", state.lines_drawn);
  std::fprintf(state.out, "%s\n", config::text_for_output(text).c_str());
  state.lines_drawn = 0;
  std::fflush(state.out);
}

// The terminal's width less one (a line that fills the last column makes some
// terminals wrap), read at every frame since it may be resized; 0 when unknown.
std::size_t usable_width(std::FILE* out) {
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) != 0 || size.ws_col < 2)
    return 0;
  return size.ws_col - 1u;
}

void draw(display_actor self, const progress_figures& snapshot) {
  auto& state = self->state;
  if (!state.terminal) {
    std::fprintf(state.out, "%s\n", progress_line(snapshot).c_str());
    std::fflush(state.out);
    return;
  }
  // Back to the first line of the previous drawing, then redraw every line.
  if (state.lines_drawn > 0)
    std::fprintf(state.out, "\x1b[%zuA", state.lines_drawn);
  auto lines = progress_lines(snapshot, usable_width(state.out));
  for (const auto& line : lines)
    std::fprintf(state.out, "\r\x1b[2K%s\n", line.c_str());
  state.lines_drawn = lines.size();
  std::fflush(state.out);
}

// "HTTP 401" for a failure that a 4xx answer caused, else "".
std::string client_error_status(const protocol::failure_report& report) {
  const auto& internal = report.internal_message;
  if (internal.size() >= 8 && internal.compare(0, 6, "HTTP 4") == 0)
    return internal.substr(0, 8);
  return {};
}

void report_error(display_actor self, const stream_error& error) {
  if (error.interrupted) { // a stop the person asked for, not a fault
    say(self, "source-klarna: " + error.report.message);
    return;
  }
  auto status = client_error_status(error.report);
  if (!status.empty() && !self->state.statuses_explained.insert(status).second) {
    say(self, "source-klarna: error: " + error.stream + " failed the same way (" + status
                + ", see above)");
    return;
  }
  say(self, "source-klarna: error: " + error.report.message);
}

reporter_actor::behavior_type progress_display(display_actor self, std::FILE* out, bool terminal) {
  messages::exit_on_exception(self);
  self->state.out = out;
  self->state.terminal = terminal;
  return {
    [=](const progress_figures& snapshot) { draw(self, snapshot); },
    [=](const stream_status_report& report) {
      if (!report.detail.empty())
        say(self, "source-klarna: INFO: " + report.stream + ": " + report.detail);
    },
    [=](const stream_error& error) { report_error(self, error); },
    [=](const log_entry& entry) {
      if (entry.level != protocol::log_level::info)
        say(self, std::string("source-klarna: ") + protocol::level_name(entry.level) + ": "
                    + entry.message);
    },
    [=](const run_summary& summary) {
      draw(self, summary.final_progress); // where every stream ended
      return true;
    },
  };
}

} // namespace

reporter_actor spawn_progress_display(caf::actor_system& system, std::FILE* out, bool terminal) {
  return system.spawn(progress_display, out, terminal);
}

} // namespace klarna::actors
