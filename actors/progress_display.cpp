#include "actors/progress_display.hpp"

#include "messages/pipeline_messages.hpp"
#include "messages/sink_contract.hpp"
#include "protocol/progress_text.hpp"

#include "config/printable_text.hpp"
#include "messages/exception_policy.hpp"

namespace klarna::actors {

namespace {

using protocol::progress_figures;

struct display_state {
  std::size_t lines_drawn = 0;
};

// A message line: on a terminal it replaces the live display, which is drawn again
// below it with the next snapshot.
void say(caf::stateful_actor<display_state>* self, std::FILE* out, const std::string& text) {
  if (self->state.lines_drawn > 0)
    std::fprintf(out, "\x1b[%zuA\r\x1b[J", self->state.lines_drawn);
  std::fprintf(out, "%s\n", config::text_for_output(text).c_str());
  self->state.lines_drawn = 0;
  std::fflush(out);
}

caf::behavior progress_display(caf::stateful_actor<display_state>* self, std::FILE* out,
                               bool terminal) {
  messages::exit_on_exception(self);
  return {
    [=](const progress_figures& snapshot) {
      if (!terminal) {
        std::fprintf(out, "%s\n", progress_line(snapshot).c_str());
        std::fflush(out);
        return;
      }
      // Back to the first line of the previous drawing, then redraw every line.
      auto& drawn = self->state.lines_drawn;
      if (drawn > 0)
        std::fprintf(out, "\x1b[%zuA", drawn);
      auto lines = progress_lines(snapshot);
      for (const auto& line : lines)
        std::fprintf(out, "\r\x1b[2K%s\n", line.c_str());
      drawn = lines.size();
      std::fflush(out);
    },
    [=](const messages::stream_error& error) {
      say(self, out, "source-klarna: error: " + error.report.message);
    },
    [=](const messages::log_entry& entry) {
      say(self, out,
          std::string("source-klarna: ") + protocol::level_name(entry.level) + ": " + entry.message);
    },
  };
}

} // namespace

caf::actor spawn_progress_display(caf::actor_system& system, std::FILE* out, bool terminal) {
  return system.spawn(progress_display, out, terminal);
}

} // namespace klarna::actors
