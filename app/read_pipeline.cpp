#include "app/read_pipeline.hpp"

#include "actors/emitter.hpp"
#include "actors/fetcher.hpp"
#include "actors/parser.hpp"
#include "actors/rate_governor.hpp"
#include "actors/stream_planner.hpp"
#include "config/connector_config.hpp"
#include "app/interrupt_watch.hpp"
#include "messages/pipeline_messages.hpp"
#include "actors/progress_display.hpp"
#include "messages/sink_contract.hpp"
#include "sinks/sink_registry.hpp"

#include <chrono>
#include <mutex>
#include <thread>

namespace klarna::app {

using namespace klarna::messages;
using namespace klarna::protocol;

namespace {

// Pages a stream may have in flight or buffered before the sink has written them:
// enough for the whole budget at 200 ms latency on one stream (200/s x 0.2 s = 40),
// few enough that a stalled reader holds at most this many pages per stream.
constexpr std::uint64_t credits_per_stream = 48;

} // namespace

read_summary run_pipeline(const config::connector_config& config,
                          const std::vector<const stream_definition*>& streams,
                          const read_options& options) {
  auto started = std::chrono::steady_clock::now();
  // SIGINT/SIGTERM go to the emitter once it exists. The watch starts before the
  // actor system so that no thread of CAF or curl ever takes these signals.
  std::mutex interrupt_mutex;
  caf::actor interrupt_target;
  int pending_signal = 0;
  app::interrupt_watch watch([&](int signal) {
    std::lock_guard<std::mutex> guard(interrupt_mutex);
    if (interrupt_target)
      caf::anon_send(interrupt_target, interrupted{signal});
    else
      pending_signal = signal;
  });
  caf::actor_system_config system_config;
  // Work stealing spins its threads while they wait for messages, which costs a core
  // in a pipeline that mostly waits on the network; a shared queue sleeps instead.
  system_config.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system system{system_config};
  caf::scoped_actor self{system};

  std::vector<std::string> names;
  for (auto* stream : streams)
    names.push_back(stream->name);

  auto sink = sinks::spawn_sink(system, options.sink_uri);
  using display = read_options::progress_display;
  caf::actor observer;
  if (options.progress != display::none)
    observer = actors::spawn_progress_display(system, stderr, options.progress == display::terminal);
  // A terminal is redrawn every second; logs get a line (and LOG messages) every 5 s.
  auto interval = std::chrono::milliseconds(options.progress == display::terminal ? 1000 : 5000);
  auto emitter = actors::spawn_emitter(system, streams, sink, self, observer, interval);
  {
    std::lock_guard<std::mutex> guard(interrupt_mutex);
    interrupt_target = emitter;
    if (pending_signal != 0)
      caf::anon_send(emitter, interrupted{pending_signal});
  }
  logic::rate_window::settings budget;
  budget.requests_per_second = config.requests_per_second;
  budget.window = std::chrono::milliseconds(static_cast<long>(config.rate_window_seconds * 1000));
  auto governor = actors::spawn_rate_governor(system, budget, streams.size(), emitter);
  auto parsers = actors::spawn_parsers(system, std::max(1u, std::thread::hardware_concurrency()));
  actors::fetch_settings fetch;
  fetch.http = http::http_settings_for(config);
  fetch.requests_per_second = config.requests_per_second;
  fetch.max_attempts = config.max_attempts;
  fetch.page_deadline =
    std::chrono::milliseconds(static_cast<long>(config.page_deadline_seconds * 1000));
  fetch.max_retry_wait =
    std::chrono::milliseconds(static_cast<long>(config.max_retry_wait_seconds * 1000));
  auto fetcher = actors::spawn_fetcher(system, fetch, governor, parsers, emitter);

  std::vector<caf::actor> planners;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    actors::planner_settings settings;
    settings.stream_index = i;
    settings.definition = streams[i];
    settings.api_base_url = config.api_base_url;
    settings.page_size = config.page_size;
    settings.start_date = config.start_date;
    settings.credits = credits_per_stream;
    planners.push_back(actors::spawn_stream_planner(system, settings, fetcher, emitter));
  }
  self->send(emitter, pipeline_actors{planners, fetcher, governor});
  for (auto& planner : planners)
    self->send(planner, start_atom::value);

  read_summary summary;
  summary.streams = names;
  std::vector<stream_figures> final_figures;
  self->receive([&](sync_outcome& outcome) {
    summary.all_complete = outcome.all_complete;
    summary.interrupted_by = outcome.interrupted_by;
    for (const auto& stream : outcome.streams)
      summary.records.push_back(stream.records);
    final_figures = std::move(outcome.streams);
  });
  self->request(fetcher, caf::infinite, stats_atom::value)
    .receive([&](const fetch_stats& stats) { summary.fetch = stats; }, [](caf::error&) {});
  self->request(governor, caf::infinite, stats_atom::value)
    .receive([&](const budget_stats& stats) { summary.budget = stats; }, [](caf::error&) {});
  summary.elapsed_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (observer) // the display's last frame shows where every stream ended
    self->request(observer, caf::infinite,
                  progress_snapshot{std::move(final_figures), summary.budget, summary.fetch,
                                    summary.elapsed_seconds})
      .receive([] {}, [](caf::error&) {});
  self->send(sink, messages::sink_log{"INFO", describe(summary)});
  self->request(sink, caf::infinite, messages::sink_finish{})
    .receive(
      [&](const messages::sink_finished& finished) {
        summary.output_ok = finished.ok;
        summary.output_error = finished.error;
      },
      [&](caf::error&) {
        summary.output_ok = false;
        summary.output_error = "the output sink stopped";
      });
  // The sink may still have been committing (a database): the summary for people
  // counts until everything is written.
  summary.elapsed_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  {
    // No signal may reach the actors once the system is going away.
    std::lock_guard<std::mutex> guard(interrupt_mutex);
    interrupt_target = nullptr;
  }
  for (auto& actor : planners)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  for (auto& actor : parsers)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  for (const auto& actor : {fetcher, governor, emitter, sink, observer})
    if (actor)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  return summary;
}

} // namespace klarna::app
