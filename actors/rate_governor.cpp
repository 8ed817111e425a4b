#include "actors/rate_governor.hpp"

#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/airbyte_messages.hpp"

#include "logic/budget/round_robin_queues.hpp"
#include "pipeline/messages/exception_policy.hpp"

#include <caf/typed_response_promise.hpp>

#include <cstdio>
#include <optional>
#include <utility>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::protocol;
using namespace klarna::logic;
using protocol::log_level;

/// A permit asked for and not granted yet: its answer, and when it was asked.
struct waiting_permit {
  caf::typed_response_promise<permit_granted> answer;
  rate_window::time_point arrived;
};

struct governor_state {
  std::optional<rate_window> window;
  std::optional<round_robin_queues<waiting_permit>> waiting;
  bool tick_scheduled = false;
  emitter_actor emitter;
  reporter_actor reporter;
  budget_figures figures;
};

using governor = governor_actor::stateful_pointer<governor_state>;

void serve(governor self) {
  auto& state = self->state;
  while (!state.waiting->empty()) {
    auto now = self->clock().now();
    auto wait = state.window->try_acquire(now);
    if (wait > rate_window::duration::zero()) {
      if (!state.tick_scheduled) {
        state.tick_scheduled = true;
        self->delayed_send(self, wait, tick_atom::value);
      }
      return;
    }
    auto [answer, arrived] = std::move(*state.waiting->pop());
    ++state.figures.grants;
    if (now - arrived > std::chrono::milliseconds(1)) {
      ++state.figures.waited;
      state.figures.wait_seconds += std::chrono::duration<double>(now - arrived).count();
    }
    answer.deliver(permit_granted{});
  }
}

governor_actor::behavior_type rate_governor(governor self, logic::rate_window::settings settings,
                                           std::size_t stream_count, emitter_actor emitter,
                                           reporter_actor reporter) {
  messages::exit_on_exception(self);
  self->state.window.emplace(settings, self->clock().now());
  self->state.waiting.emplace(stream_count);
  self->state.figures.budget_rate = settings.requests_per_second;
  self->state.emitter = std::move(emitter);
  self->state.reporter = std::move(reporter);
  return {
    [=](const permit_request& request) {
      auto answer = self->make_response_promise<permit_granted>();
      auto& waiting = *self->state.waiting;
      if (request.retry)
        waiting.push_first({answer, self->clock().now()});
      else
        waiting.push(request.stream, {answer, self->clock().now()});
      serve(self);
      return answer;
    },
    [=](tick_atom) {
      self->state.tick_scheduled = false;
      serve(self);
    },
    [=](const throttled& report) {
      auto pause = std::chrono::duration_cast<rate_window::duration>(
        std::chrono::duration<double>(report.pause_seconds));
      auto now = self->clock().now();
      ++self->state.figures.throttled_reports;
      self->state.window->on_throttled(now, now + pause);
      self->send(self->state.emitter,
                 rate_limited{now_epoch_ms()
                              + static_cast<std::int64_t>(report.pause_seconds * 1000)});
      serve(self);
    },
    [=](const announced_limit& announced) {
      auto& state = self->state;
      if (!state.window->set_announced_quota(self->clock().now(), announced.quota))
        return;
      char text[256];
      double announced_rate = announced.quota.per_second();
      std::snprintf(text, sizeof text,
                    "Klarna announces a quota of %g requests per %g s (%.1f/s) in its rate-limit "
                    "headers; %s, pacing at %.1f requests/s",
                    announced.quota.requests, announced.quota.window_seconds, announced_rate,
                    announced_rate < state.figures.budget_rate
                      ? "tighter than the configured requests_per_second, so it holds"
                      : "the configured requests_per_second is tighter and holds",
                    state.window->allowed_rate());
      self->send(state.reporter, log_entry{log_level::info, text});
      serve(self);
    },
    [=](const quota_remaining& reading) {
      self->state.window->observe_remaining(self->clock().now(), reading.remaining);
    },
    [=](const quota_exhausted& exhausted) {
      auto now = self->clock().now();
      self->state.window->quota_used_up(now, std::chrono::duration_cast<rate_window::duration>(
                                                std::chrono::duration<double>(exhausted.reset_seconds)));
      serve(self);
    },
    [=](figures_atom) {
      auto figures = self->state.figures;
      const auto& window = *self->state.window;
      figures.current_rate = window.current_rate();
      figures.quota_rate = window.quota_rate();
      figures.allowed_rate = window.allowed_rate();
      figures.reserve_share = window.share().reserve_share();
      figures.others_rate = window.share().others_rate();
      figures.others_peak_rate = window.share().others_peak_rate();
      figures.others_mean_rate = window.share().others_mean_rate();
      figures.waiting = self->state.waiting->size();
      return figures;
    },
  };
}

} // namespace

messages::governor_actor spawn_rate_governor(caf::actor_system& system,
                                             logic::rate_window::settings settings,
                                             std::size_t stream_count,
                                             const messages::emitter_actor& emitter,
                                             const messages::reporter_actor& reporter) {
  return system.spawn(rate_governor, settings, stream_count, emitter, reporter);
}

} // namespace klarna::actors
