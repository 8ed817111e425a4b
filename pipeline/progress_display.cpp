#include "pipeline/progress_display.hpp"

#include "pipeline/messages.hpp"
#include "pipeline/progress_text.hpp"

namespace klarna::pipeline {

namespace {

struct display_state {
  std::size_t lines_drawn = 0;
};

caf::behavior progress_display(caf::stateful_actor<display_state>* self, std::FILE* out,
                               bool terminal) {
  return {
    [=](const progress_snapshot& snapshot) {
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
  };
}

} // namespace

caf::actor spawn_progress_display(caf::actor_system& system, std::FILE* out, bool terminal) {
  return system.spawn(progress_display, out, terminal);
}

} // namespace klarna::pipeline
