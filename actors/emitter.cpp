#include "actors/emitter.hpp"

#include "messages/pipeline_messages.hpp"
#include "messages/sink_contract.hpp"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <map>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::protocol;


struct stream_progress {
  std::string name;
  caf::actor planner;
  std::uint64_t next_seq = 0;
  std::map<std::uint64_t, page_records> waiting; // arrived ahead of next_seq
  std::optional<std::uint64_t> page_count;       // known once the planner finished
  std::uint64_t pages_known = 1;
  std::uint64_t records = 0;
  bool running = false;
  bool ended = false;
  bool complete = false;
};

struct emitter_state {
  std::vector<stream_progress> streams;
  caf::actor sink;
  caf::actor on_done;
  std::chrono::milliseconds progress_interval{5000};
  caf::actor fetcher;
  caf::actor governor;
  caf::actor observer; // gets a progress_snapshot every interval, when set
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// Grants counted at the previous budget log, for the rate since then.
  std::uint64_t grants_at_last_log = 0;
  /// Resume time of the last RATE_LIMITED status sent, to send one per pause.
  std::int64_t announced_resume_ms = 0;
  int interrupted_by = 0;
  bool reported = false; // sync_outcome goes out once
};

using emitter_actor = caf::stateful_actor<emitter_state>;

std::vector<stream_figures> figures_of(const emitter_state& state) {
  std::vector<stream_figures> figures;
  for (const auto& stream : state.streams)
    figures.push_back({stream.name, stream.records, stream.next_seq, stream.pages_known,
                       stream.ended, stream.complete});
  return figures;
}

void report_if_all_ended(emitter_actor* self) {
  if (self->state.reported)
    return;
  bool all_complete = true;
  for (const auto& stream : self->state.streams) {
    if (!stream.ended)
      return;
    all_complete = all_complete && stream.complete;
  }
  sync_outcome outcome{all_complete, figures_of(self->state), self->state.interrupted_by};
  self->state.reported = true;
  self->send(self->state.on_done, std::move(outcome));
}

void complete_if_done(emitter_actor* self, stream_progress& stream) {
  if (stream.ended || !stream.page_count || stream.next_seq < *stream.page_count)
    return;
  auto& sink = self->state.sink;
  if (!stream.running)
    self->send(sink, sink_stream_status{stream.name, stream_status::running, {}});
  self->send(sink, sink_checkpoint{stream.name, stream.records});
  self->send(sink, sink_close_stream{stream.name, true});
  self->send(sink, sink_log{"INFO", stream.name + ": complete, "
                                      + std::to_string(stream.records) + " records in "
                                      + std::to_string(*stream.page_count) + " pages"});
  stream.ended = true;
  stream.complete = true;
  report_if_all_ended(self);
}

// Ends a stream as INCOMPLETE with an error; pages it still buffers are dropped.
void end_incomplete(emitter_actor* self, std::size_t index, std::string message,
                    std::string internal, config::failure_type failure) {
  auto& stream = self->state.streams.at(index);
  if (stream.ended)
    return;
  stream.ended = true;
  stream.waiting.clear();
  auto& sink = self->state.sink;
  sink_error error{std::move(message), std::move(internal), failure, stream.name};
  if (self->state.observer)
    self->send(self->state.observer, error);
  self->send(sink, std::move(error));
  self->send(sink, sink_close_stream{stream.name, false});
}

// Sends every page that is next in order.
void flush_in_order(emitter_actor* self, std::size_t index) {
  auto& stream = self->state.streams[index];
  auto& sink = self->state.sink;
  for (auto it = stream.waiting.find(stream.next_seq); it != stream.waiting.end();
       it = stream.waiting.find(stream.next_seq)) {
    auto& page = it->second;
    if (!stream.running && page.record_count > 0) {
      stream.running = true;
      self->send(sink, sink_stream_status{stream.name, stream_status::running, {}});
    }
    stream.records += page.record_count;
    self->send(sink, sink_write_records{index, stream.name, std::move(page.lines),
                                        page.record_count});
    stream.waiting.erase(it);
    ++stream.next_seq;
  }
  complete_if_done(self, stream);
}

// Every interval: a progress LOG, then the governor's and fetcher's figures as a
// budget LOG and, for an observer, all of it as one snapshot.
void report_progress(emitter_actor* self) {
  auto& state = self->state;
  self->send(state.sink, sink_log{"INFO", describe_progress(figures_of(state))});
  if (!state.governor || !state.fetcher)
    return;
  auto timeout = state.progress_interval;
  self->request(state.governor, timeout, stats_atom::value)
    .then([=](const budget_stats& budget) {
      self->request(self->state.fetcher, timeout, stats_atom::value)
        .then([=](const fetch_stats& fetch) {
          auto& state = self->state;
          auto seconds = std::chrono::duration<double>(state.progress_interval).count();
          auto text = describe_budget(budget, fetch, state.grants_at_last_log, seconds);
          state.grants_at_last_log = budget.grants;
          self->send(state.sink, sink_log{"INFO", std::move(text)});
          if (state.observer) {
            auto elapsed = std::chrono::steady_clock::now() - state.started;
            self->send(state.observer,
                       progress_snapshot{figures_of(state), budget, fetch,
                                         std::chrono::duration<double>(elapsed).count()});
          }
        });
    });
}

caf::behavior emitter(emitter_actor* self, std::vector<const stream_definition*> streams,
                      caf::actor sink, caf::actor on_done, caf::actor observer,
                      std::chrono::milliseconds progress_interval) {
  auto& state = self->state;
  state.sink = std::move(sink);
  state.on_done = std::move(on_done);
  state.observer = std::move(observer);
  state.progress_interval = progress_interval;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    state.streams.push_back({});
    state.streams.back().name = streams[i]->name;
    std::vector<std::string> key;
    for (const auto& path : streams[i]->primary_key)
      key.push_back(path.front()); // the API's keys are top-level fields
    self->send(state.sink, sink_open_stream{i, streams[i]->name,
                                            boost::json::serialize(stream_json_schema(*streams[i])),
                                            std::move(key), "full_refresh"});
  }
  self->delayed_send(self, progress_interval, tick_atom::value);
  return {
    [=](const pipeline_actors& actors) {
      auto& state = self->state;
      for (std::size_t i = 0; i < actors.planners.size() && i < state.streams.size(); ++i)
        state.streams[i].planner = actors.planners[i];
      state.fetcher = actors.fetcher;
      state.governor = actors.governor;
    },
    [=](page_records& page) {
      auto& stream = self->state.streams.at(page.stream);
      if (stream.ended)
        return;
      stream.pages_known = std::max(stream.pages_known, page.pages_known);
      auto index = page.stream;
      auto seq = page.seq;
      stream.waiting.emplace(seq, std::move(page));
      flush_in_order(self, index);
    },
    [=](const stream_finished& finished) {
      auto& stream = self->state.streams.at(finished.stream);
      stream.page_count = finished.page_count;
      stream.pages_known = finished.page_count;
      complete_if_done(self, stream);
    },
    [=](stream_failed& failed) {
      end_incomplete(self, failed.stream, std::move(failed.message),
                     std::move(failed.internal_message), failed.failure);
      report_if_all_ended(self);
    },
    [=](const interrupted& signal) {
      self->state.interrupted_by = signal.signal;
      auto name = signal.signal == SIGINT ? "SIGINT" : "SIGTERM";
      for (std::size_t i = 0; i < self->state.streams.size(); ++i) {
        const auto& stream = self->state.streams[i];
        if (!stream.ended)
          end_incomplete(self, i,
                         std::string("the sync was stopped by ") + name + " before "
                           + stream.name + " was read completely ("
                           + std::to_string(stream.records) + " records were emitted)",
                         name, config::failure_type::transient_error);
      }
      report_if_all_ended(self);
    },
    [=](const sink_failed&) {
      // The output is gone: nothing more can be written, so every unfinished stream
      // ends now (the read pipeline reports the sink's error).
      for (auto& stream : self->state.streams) {
        stream.ended = true;
        stream.waiting.clear();
      }
      report_if_all_ended(self);
    },
    [=](const sink_written& written) {
      auto& stream = self->state.streams.at(written.stream_index);
      if (stream.planner)
        self->send(stream.planner, page_credit{1});
    },
    [=](const rate_limited& notice) {
      // Many requests in flight get 429 together; one status per pause is enough.
      if (notice.resume_at_ms < self->state.announced_resume_ms + 1000)
        return;
      self->state.announced_resume_ms = notice.resume_at_ms;
      for (const auto& stream : self->state.streams)
        if (!stream.ended)
          self->send(self->state.sink, sink_stream_status{stream.name, stream_status::running,
                                                          notice.resume_at_ms});
    },
    [=](log_notice& notice) {
      sink_log log{std::move(notice.level), std::move(notice.message)};
      if (self->state.observer && log.level != "INFO")
        self->send(self->state.observer, log);
      self->send(self->state.sink, std::move(log));
    },
    [=](tick_atom) {
      report_progress(self);
      self->delayed_send(self, self->state.progress_interval, tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_emitter(caf::actor_system& system,
                         std::vector<const protocol::stream_definition*> streams,
                         const caf::actor& sink, const caf::actor& on_done,
                         const caf::actor& progress_observer,
                         std::chrono::milliseconds progress_interval) {
  return system.spawn(emitter, std::move(streams), sink, on_done, progress_observer,
                      progress_interval);
}

} // namespace klarna::actors
