#include "actors/rate_governor.hpp"

#include "pipeline/airbyte_messages.hpp"
#include "pipeline/messages.hpp"

#include <deque>
#include <vector>

namespace klarna::actors {

namespace {

using namespace klarna::pipeline;

struct governor_state {
  std::optional<rate_window> window;
  /// Waiting requests, one queue per stream, served round robin.
  std::vector<std::deque<permit_request>> waiting;
  std::size_t next_stream = 0;
  bool tick_scheduled = false;
  caf::actor emitter;
};

bool anyone_waiting(const governor_state& state) {
  for (const auto& queue : state.waiting)
    if (!queue.empty())
      return true;
  return false;
}

// The next stream with a waiting request, starting after the last one served.
std::deque<permit_request>& next_queue(governor_state& state) {
  for (std::size_t i = 0; i < state.waiting.size(); ++i) {
    auto index = (state.next_stream + i) % state.waiting.size();
    if (!state.waiting[index].empty()) {
      state.next_stream = (index + 1) % state.waiting.size();
      return state.waiting[index];
    }
  }
  return state.waiting.front();
}

void serve(caf::stateful_actor<governor_state>* self) {
  auto& state = self->state;
  while (anyone_waiting(state)) {
    auto wait = state.window->try_acquire(rate_window::clock::now());
    if (wait > rate_window::duration::zero()) {
      if (!state.tick_scheduled) {
        state.tick_scheduled = true;
        self->delayed_send(self, wait, tick_atom::value);
      }
      return;
    }
    auto& queue = next_queue(state);
    auto request = std::move(queue.front());
    queue.pop_front();
    self->send(request.requester, permit_granted{request.ticket});
  }
}

caf::behavior rate_governor(caf::stateful_actor<governor_state>* self,
                            rate_window::settings settings, std::size_t stream_count,
                            caf::actor emitter) {
  self->state.window.emplace(settings, rate_window::clock::now());
  self->state.waiting.resize(std::max<std::size_t>(1, stream_count));
  self->state.emitter = std::move(emitter);
  return {
    [=](permit_request& request) {
      auto index = request.stream % self->state.waiting.size();
      self->state.waiting[index].push_back(std::move(request));
      serve(self);
    },
    [=](tick_atom) {
      self->state.tick_scheduled = false;
      serve(self);
    },
    [=](const throttled& report) {
      auto pause = std::chrono::duration_cast<rate_window::duration>(
        std::chrono::duration<double>(report.pause_seconds));
      auto now = rate_window::clock::now();
      self->state.window->on_throttled(now, now + pause);
      self->send(self->state.emitter,
                 rate_limited{now_epoch_ms()
                              + static_cast<std::int64_t>(report.pause_seconds * 1000)});
      serve(self);
    },
  };
}

} // namespace

caf::actor spawn_rate_governor(caf::actor_system& system, rate_window::settings settings,
                               std::size_t stream_count, const caf::actor& emitter) {
  return system.spawn(rate_governor, settings, stream_count, emitter);
}

} // namespace klarna::actors
