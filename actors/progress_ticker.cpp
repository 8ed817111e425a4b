#include "actors/progress_ticker.hpp"

#include "pipeline/messages/exception_policy.hpp"

namespace klarna::actors {

namespace {

using namespace klarna::messages;

struct ticker_state {
  std::chrono::milliseconds interval{};
  emitter_actor emitter;
  governor_actor governor;
  fetcher_actor fetcher;
  reporter_actor reporter;
  caf::actor_clock::time_point started;
};

using ticker = progress_ticker_actor::stateful_pointer<ticker_state>;

double seconds_since_start(ticker self) {
  return std::chrono::duration<double>(self->clock().now() - self->state.started).count();
}

// The streams' figures with the governor's and the fetcher's, to the reporter.
void report_progress(ticker self) {
  auto& state = self->state;
  auto timeout = state.interval;
  // A request without an error handler would end the ticker on a timeout.
  auto skip_report = [=](caf::error& error) {
    self->send(self->state.reporter,
               log_entry{protocol::log_level::warn,
                         "no progress report this time: " + self->system().render(error)});
  };
  self->request(state.emitter, timeout, figures_atom::value)
    .then(
      [=](stream_progress& streams) {
        self->request(self->state.governor, timeout, figures_atom::value)
          .then(
            [=](const budget_figures& budget) mutable {
              self->request(self->state.fetcher, timeout, figures_atom::value)
                .then(
                  [=](const fetch_figures& fetch) mutable {
                    self->send(self->state.reporter,
                               progress_figures{std::move(streams.streams), budget, fetch,
                                                seconds_since_start(self)});
                  },
                  skip_report);
            },
            skip_report);
      },
      skip_report);
}

progress_ticker_actor::behavior_type tick(ticker self, std::chrono::milliseconds interval,
                                          emitter_actor emitter, governor_actor governor,
                                          fetcher_actor fetcher, reporter_actor reporter) {
  messages::exit_on_exception(self);
  auto& state = self->state;
  state.interval = interval;
  state.emitter = std::move(emitter);
  state.governor = std::move(governor);
  state.fetcher = std::move(fetcher);
  state.reporter = std::move(reporter);
  state.started = self->clock().now();
  self->delayed_send(self, interval, tick_atom::value);
  return {
    [=](tick_atom) {
      report_progress(self);
      self->delayed_send(self, self->state.interval, tick_atom::value);
    },
  };
}

} // namespace

progress_ticker_actor spawn_progress_ticker(caf::actor_system& system,
                                            std::chrono::milliseconds interval,
                                            const emitter_actor& emitter,
                                            const governor_actor& governor,
                                            const fetcher_actor& fetcher,
                                            const reporter_actor& reporter) {
  return system.spawn(tick, interval, emitter, governor, fetcher, reporter);
}

} // namespace klarna::actors
