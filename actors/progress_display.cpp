#include "actors/progress_display.hpp"

#include "config/printable_text.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "protocol/progress_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using protocol::progress_figures;

struct display_state {
  std::FILE* out = nullptr;
  bool terminal = false;
  std::size_t lines_drawn = 0;
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
  auto lines = progress_lines(snapshot);
  for (const auto& line : lines)
    std::fprintf(state.out, "\r\x1b[2K%s\n", line.c_str());
  state.lines_drawn = lines.size();
  std::fflush(state.out);
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
    [=](const stream_error& error) { say(self, "source-klarna: error: " + error.report.message); },
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
