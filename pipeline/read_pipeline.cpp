#include "pipeline/read_pipeline.hpp"

#include "actors/emitter.hpp"
#include "actors/fetcher.hpp"
#include "actors/progress_display.hpp"
#include "actors/progress_ticker.hpp"
#include "actors/rate_governor.hpp"
#include "actors/report_archiver.hpp"
#include "actors/stream_planner.hpp"
#include "pipeline/interrupt_watch.hpp"
#include "pipeline/pipeline_settings.hpp"
#include "pipeline/tell_user.hpp"
#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "sinks/airbyte_output.hpp"
#include "sinks/sink_registry.hpp"
#include "stores/report_archive.hpp"

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace klarna::pipeline {

using namespace klarna::messages;
using protocol::log_level;
using protocol::read_figures;

namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point started) {
  return std::chrono::duration<double>(clock::now() - started).count();
}

/// Where SIGINT and SIGTERM go: nowhere until the emitter exists (a signal that
/// arrives before is kept and delivered then), nowhere once the actors stop.
class interrupt_relay {
public:
  void on_signal(int signal) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (target_)
      caf::anon_send(target_, interrupted{signal});
    else
      pending_ = signal;
  }

  void deliver_to(const caf::actor& target) {
    std::lock_guard<std::mutex> guard(mutex_);
    target_ = target;
    if (target_ && pending_ != 0)
      caf::anon_send(target_, interrupted{pending_});
  }

private:
  std::mutex mutex_;
  caf::actor target_;
  int pending_ = 0;
};

/// Every actor of one read.
struct pipeline_graph {
  sink_actor sink;
  reporter_actor reporter;
  emitter_actor emitter;
  governor_actor governor;
  fetcher_actor fetcher; // with its parsers
  std::vector<planner_actor> planners;
  progress_ticker_actor ticker;
  /// What each actor the read pipeline supervises (all but the emitter's) is called
  /// when it stops unasked, by its address.
  std::vector<std::pair<caf::actor_addr, std::string>> roles;
  /// The actors this thread has heard stopped (a down_msg comes once).
  std::set<caf::actor_addr> stopped;
};

pipeline_graph spawn_graph(caf::actor_system& system, caf::scoped_actor& self,
                           const config::connector_config& config,
                           const std::vector<actors::emitted_stream>& streams,
                           const read_options& options, interrupt_relay& interrupts) {
  pipeline_graph graph;
  using display = read_options::progress_display;
  bool airbyte_reports = options.progress == display::none;
  if (airbyte_reports && sinks::writes_stdout(options.sink_uri)) {
    // Records and reports both go to Airbyte's stdout: one actor writes both, so
    // their order holds.
    auto out = sinks::spawn_airbyte_output(system, stdout);
    graph.sink = out;
    graph.reporter = out;
  } else {
    graph.sink = sinks::spawn_sink(system, options.sink_uri); // may throw: before the rest
    if (airbyte_reports)
      graph.reporter = sinks::spawn_airbyte_output(system, stdout);
    else
      graph.reporter =
        actors::spawn_progress_display(system, stderr, options.progress == display::terminal);
  }
  actors::emitter_settings emitter;
  emitter.streams = streams;
  emitter.checkpoint_records = static_cast<std::uint64_t>(config.state_checkpoint_records);
  graph.emitter =
    actors::spawn_emitter(system, std::move(emitter), graph.sink, graph.reporter, self);
  interrupts.deliver_to(caf::actor_cast<caf::actor>(graph.emitter));
  graph.governor = actors::spawn_rate_governor(system, budget_settings_for(config),
                                               streams.size(), graph.emitter, graph.reporter);
  auto fetch = fetch_settings_for(config);
  fetch.parsers = std::max(1u, std::thread::hardware_concurrency());
  graph.fetcher = actors::spawn_fetcher(system, std::move(fetch), graph.governor, graph.reporter);
  for (std::size_t i = 0; i < streams.size(); ++i)
    graph.planners.push_back(actors::spawn_stream_planner(
      system, planner_settings_for(config, i, streams[i]), graph.fetcher, graph.emitter,
      graph.reporter));
  // A terminal is redrawn every second; logs get a line (and LOG messages) every 5 s.
  graph.ticker = actors::spawn_progress_ticker(
    system, std::chrono::milliseconds(options.progress == display::terminal ? 1000 : 5000),
    graph.emitter, graph.governor, graph.fetcher, graph.reporter);
  // Supervision: this thread hears of every actor that stops (await_streams).
  auto supervise = [&](const auto& actor, std::string role) {
    self->monitor(actor);
    graph.roles.emplace_back(actor.address(), std::move(role));
  };
  for (std::size_t i = 0; i < streams.size(); ++i)
    supervise(graph.planners[i], "the planner of " + streams[i].definition->name);
  supervise(graph.fetcher, "the fetcher (or one of its parsers)");
  supervise(graph.governor, "the rate governor");
  supervise(graph.ticker, "the progress ticker");
  self->monitor(graph.emitter);
  return graph;
}

// Asks `actor` for its figures; a failure is reported, and the summary shows zeros.
template <class Figures, class Handle>
Figures figures_of(caf::scoped_actor& self, const Handle& actor,
                   const reporter_actor& reporter, const char* whose) {
  Figures figures;
  std::string problem;
  self->request(actor, caf::infinite, figures_atom::value)
    .receive([&](const Figures& answer) { figures = answer; },
             [&](const caf::error& error) { problem = self->system().render(error); });
  if (!problem.empty())
    self->send(reporter, log_entry{log_level::warn,
                                   std::string("the summary lacks the ") + whose + "'s figures: " + problem});
  return figures;
}

// Waits until every stream has ended; returns where each ended.
std::vector<protocol::stream_figures> await_streams(caf::scoped_actor& self,
                                                    pipeline_graph& graph,
                                                    const std::vector<actors::emitted_stream>& streams,
                                                    read_figures& figures) {
  for (const auto& stream : streams)
    figures.streams.push_back(stream.definition->name);
  std::vector<protocol::stream_figures> final_streams;
  bool ended = false;
  self->receive_while([&] { return !ended; })(
    [&](sync_outcome& outcome) {
      ended = true;
      figures.all_complete = outcome.all_complete;
      figures.interrupted_by = outcome.interrupted_by;
      for (const auto& stream : outcome.streams)
        figures.records.push_back(stream.records);
      final_streams = std::move(outcome.streams);
    },
    [&](caf::down_msg& down) {
      graph.stopped.insert(down.source);
      if (down.source != graph.emitter.address()) {
        // Stopped on purpose, or gone with its last reference (never before the
        // outcome: this thread holds every actor until then).
        if (!down.reason || down.reason == caf::exit_reason::user_shutdown
            || down.reason == caf::exit_reason::unreachable)
          return;
        for (const auto& [address, role] : graph.roles)
          if (address == down.source)
            self->send(graph.emitter, actor_stopped{role, self->system().render(down.reason)});
        return;
      }
      // The emitter died: which streams it had ended is unknown, so the read fails
      // as a whole.
      ended = true;
      figures.all_complete = false;
      figures.records.assign(streams.size(), 0);
      auto reason = self->system().render(down.reason);
      self->send(graph.reporter,
                 stream_error{{}, {config::failure_type::system_error,
                                   "the emitter actor stopped (" + reason
                                     + "); the read ends here (a defect: please report it)",
                                   reason},
                              false});
    });
  return final_streams;
}

// Archives the settlement reports through the read's fetcher and budget; a signal
// meanwhile ends the archiving (what is archived stays).
protocol::archive_figures archive_reports(caf::scoped_actor& self, pipeline_graph& graph,
                                          const config::connector_config& config,
                                          const read_options& options,
                                          interrupt_relay& interrupts, read_figures& figures) {
  auto archiver = actors::spawn_report_archiver(
    self->system(), report_settings_for(config, *options.reports, options.reports_until),
    options.reports, graph.fetcher, self);
  self->monitor(archiver);
  interrupts.deliver_to(caf::actor_cast<caf::actor>(self));
  self->send(archiver, start_atom::value);
  protocol::archive_figures archive;
  archive.directory = options.reports->directory().string();
  bool done = false;
  self->receive_while([&] { return !done; })(
    [&](protocol::archive_figures& answer) { archive = std::move(answer); },
    [&](const interrupted& signal) {
      figures.interrupted_by = signal.signal;
      self->send(archiver, signal);
    },
    [&](caf::down_msg& down) {
      graph.stopped.insert(down.source);
      if (down.source != archiver)
        return; // a pipeline actor: the streams have ended
      done = true;
      if (archive.first_failure.empty() && !archive.complete)
        archive.first_failure = "the report archiver stopped: " + self->system().render(down.reason);
    });
  interrupts.deliver_to(nullptr);
  return archive;
}

// Stops the progress ticker and waits until it is gone, so that no progress report
// follows the summary.
void stop_ticker(caf::scoped_actor& self, pipeline_graph& graph) {
  self->send_exit(graph.ticker, caf::exit_reason::user_shutdown);
  bool gone = graph.stopped.count(graph.ticker.address()) > 0;
  self->receive_while([&] { return !gone; })([&](caf::down_msg& down) {
    graph.stopped.insert(down.source);
    gone = down.source == graph.ticker.address();
  });
}

// Gathers the figures of the fetcher and the governor; returns where every stream
// ended, with them.
protocol::progress_figures gather_figures(caf::scoped_actor& self, const pipeline_graph& graph,
                                          std::vector<protocol::stream_figures> final_streams,
                                          read_figures& figures, clock::time_point started) {
  figures.fetch =
    figures_of<protocol::fetch_figures>(self, graph.fetcher, graph.reporter, "fetcher");
  figures.budget =
    figures_of<protocol::budget_figures>(self, graph.governor, graph.reporter, "rate governor");
  figures.elapsed_seconds = seconds_since(started);
  return {std::move(final_streams), figures.budget, figures.fetch, figures.elapsed_seconds};
}

// Reports the summary (once everything reported before it is out), then has the
// sink flush, and records whether its output held.
void finish(caf::scoped_actor& self, const pipeline_graph& graph, read_figures& figures,
            protocol::progress_figures final_progress) {
  self->request(graph.reporter, caf::infinite, run_summary{figures, std::move(final_progress)})
    .receive([](bool) {},
             [&](const caf::error& error) {
               tell_user("the reporter stopped: " + self->system().render(error));
             });
  self->request(graph.sink, caf::infinite, sink_finish{})
    .receive(
      [&](const sink_reply& reply) {
        figures.output_ok = reply.ok();
        figures.output_error = reply.failure;
      },
      [&](const caf::error& error) {
        figures.output_ok = false;
        figures.output_error = "the output sink stopped: " + self->system().render(error);
      });
}

void stop_graph(const pipeline_graph& graph) {
  for (const auto& actor : graph.planners)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(graph.fetcher, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(graph.governor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(graph.emitter, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(graph.sink, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(graph.reporter, caf::exit_reason::user_shutdown);
}

} // namespace

read_figures run_pipeline(const config::connector_config& config,
                          const std::vector<actors::emitted_stream>& streams,
                          const read_options& options) {
  auto started = clock::now();
  // The watch starts before the actor system so that no thread of CAF or curl ever
  // takes SIGINT or SIGTERM.
  interrupt_relay interrupts;
  interrupt_watch watch([&](int signal) { interrupts.on_signal(signal); });
  caf::actor_system_config system_config;
  // Work stealing spins its threads while they wait for messages, which costs a core
  // in a pipeline that mostly waits on the network; a shared queue sleeps instead.
  system_config.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system system{system_config};
  caf::scoped_actor self{system};

  auto graph = spawn_graph(system, self, config, streams, options, interrupts);
  for (auto& planner : graph.planners)
    self->send(planner, start_atom::value);
  read_figures figures;
  auto final_streams = await_streams(self, graph, streams, figures);
  if (options.reports && figures.interrupted_by == 0)
    figures.reports = archive_reports(self, graph, config, options, interrupts, figures);
  stop_ticker(self, graph);
  auto final_progress = gather_figures(self, graph, std::move(final_streams), figures, started);
  finish(self, graph, figures, std::move(final_progress));
  // The sink may still have been committing (a database): the summary for people
  // counts until everything is written.
  figures.elapsed_seconds = seconds_since(started);
  interrupts.deliver_to(nullptr); // no signal may reach actors that are going away
  stop_graph(graph);
  return figures;
}

} // namespace klarna::pipeline
