#include "actors/emitter.hpp"

#include "logic/ledger/stream_ledger.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_state.hpp"

#include <caf/typed_response_promise.hpp>

#include <csignal>
#include <limits>
#include <map>
#include <memory>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using protocol::log_level;
using protocol::stream_status;

struct emitter_state {
  emitter_settings settings;
  std::vector<logic::stream_output> streams;
  /// The answer owed to each page_records request, by stream and page: the credit,
  /// given once the sink has written the page.
  std::map<std::pair<std::size_t, std::uint64_t>, caf::typed_response_promise<page_credit>>
    credits_owed;
  sink_actor sink;
  reporter_actor reporter;
  caf::actor on_done;
  /// Resume time of the last RATE_LIMITED status sent, to send one per pause.
  std::int64_t announced_resume_ms = 0;
  int interrupted_by = 0;
  /// The sink's output failed: nothing more is sent to it.
  bool sink_failed = false;
  bool reported = false; // sync_outcome goes out once
};

using emitter = emitter_actor::stateful_pointer<emitter_state>;

void report_if_all_ended(emitter self) {
  auto& state = self->state;
  if (state.reported || !logic::all_ended(state.streams))
    return;
  state.reported = true;
  caf::anon_send(state.on_done, sync_outcome{logic::all_complete(state.streams),
                                         logic::figures_of(state.streams), state.interrupted_by});
}

// Pages of an ended stream are never written: their requests stay unanswered.
void forget_credits(emitter self, std::size_t index) {
  auto& owed = self->state.credits_owed;
  owed.erase(owed.lower_bound({index, 0}),
             owed.upper_bound({index, std::numeric_limits<std::uint64_t>::max()}));
}

// The output is gone: nothing more can be written, so every unfinished stream ends
// now (the read pipeline reports the sink's failure, which it gets from sink_finish).
void on_sink_failure(emitter self) {
  auto& state = self->state;
  if (state.sink_failed)
    return;
  state.sink_failed = true;
  for (auto& stream : state.streams)
    stream.pages.end_incomplete();
  state.credits_owed.clear();
  report_if_all_ended(self);
}

// Asks the sink to do `message`; `on_done` runs once the sink did it. A reply with
// a failure, or a sink that is gone, ends the sync.
template <class Message, class OnDone>
void ask_sink(emitter self, Message message, OnDone on_done) {
  if (self->state.sink_failed)
    return;
  self->request(self->state.sink, caf::infinite, std::move(message))
    .then(
      [=](const sink_reply& reply) {
        if (reply.ok())
          on_done();
        else
          on_sink_failure(self);
      },
      [=](caf::error&) { on_sink_failure(self); });
}

template <class Message>
void ask_sink(emitter self, Message message) {
  ask_sink(self, std::move(message), [] {});
}

void log(emitter self, log_level level, std::string text) {
  self->send(self->state.reporter, log_entry{level, std::move(text)});
}

void report_status(emitter self, const std::string& stream, stream_status status,
                   std::optional<std::int64_t> rate_limited_until_ms = std::nullopt) {
  self->send(self->state.reporter, stream_status_report{stream, status, rate_limited_until_ms, {}});
}

// A STATE for what stream `index` has written, when one is due.
void checkpoint_if_due(emitter self, std::size_t index) {
  auto& tracker = self->state.streams.at(index).checkpoints;
  auto now = self->clock().now();
  if (!tracker.due(now))
    return;
  std::uint64_t records = 0;
  auto progress = tracker.take_checkpoint(now, records);
  ask_sink(self, sink_checkpoint{self->state.streams.at(index).pages.name(),
                                 protocol::to_stream_state(progress), records, false});
}

void complete_if_done(emitter self, std::size_t index) {
  auto& stream = self->state.streams.at(index).pages;
  if (!stream.ready_to_complete())
    return;
  if (stream.take_running_start(true))
    report_status(self, stream.name(), stream_status::running);
  std::uint64_t records = 0;
  auto progress = self->state.streams.at(index).checkpoints.final_state(records);
  ask_sink(self, sink_checkpoint{stream.name(), protocol::to_stream_state(progress), records,
                                 true});
  ask_sink(self, sink_close_stream{stream.name(), true});
  report_status(self, stream.name(), stream_status::complete);
  stream.mark_complete();
  log(self, log_level::info,
      stream.name() + ": complete, " + std::to_string(stream.records()) + " records in "
        + std::to_string(*stream.page_count()) + " pages");
  report_if_all_ended(self);
}

// Ends a stream as INCOMPLETE with an error; pages it still holds are dropped.
void end_incomplete(emitter self, std::size_t index, protocol::failure_report report,
                    bool interrupted = false) {
  auto& stream = self->state.streams.at(index).pages;
  if (!stream.end_incomplete())
    return;
  forget_credits(self, index);
  self->send(self->state.reporter, stream_error{stream.name(), std::move(report), interrupted});
  report_status(self, stream.name(), stream_status::incomplete);
  ask_sink(self, sink_close_stream{stream.name(), false});
}

// Writes every page that is next in order; each write the sink confirms answers
// that page's request with its credit.
caf::typed_response_promise<page_credit> on_page(emitter self, page_records& page) {
  auto& state = self->state;
  auto answer = self->make_response_promise<page_credit>();
  state.credits_owed.emplace(std::make_pair(page.stream, page.page.seq), answer);
  auto& output = state.streams.at(page.stream);
  auto& stream = output.pages;
  auto released = stream.accept(std::move(page.page), page.pages_known);
  if (stream.ended())
    forget_credits(self, page.stream); // an ended stream drops what comes
  if (!released.empty() && stream.take_running_start())
    report_status(self, stream.name(), stream_status::running);
  for (auto& ready : released) {
    std::uint64_t bytes = ready.records.bytes();
    std::uint64_t count = ready.records.size();
    auto owed = state.credits_owed.find({page.stream, ready.seq});
    auto credit = std::make_shared<caf::typed_response_promise<page_credit>>(std::move(owed->second));
    state.credits_owed.erase(owed);
    ask_sink(self, sink_write_records{stream.name(), std::move(ready.records)},
             [=] { credit->deliver(page_credit{1, bytes}); });
    output.checkpoints.on_written(ready.step, count);
    checkpoint_if_due(self, page.stream);
  }
  complete_if_done(self, page.stream);
  return answer;
}

void on_interrupted(emitter self, int signal) {
  auto& state = self->state;
  state.interrupted_by = signal;
  std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
  for (std::size_t i = 0; i < state.streams.size(); ++i) {
    const auto& stream = state.streams[i].pages;
    if (stream.ended())
      continue;
    end_incomplete(self, i,
                   {config::failure_type::transient_error,
                    "the sync was stopped by " + name + " before " + stream.name()
                      + " was read completely (" + std::to_string(stream.records())
                      + " records were emitted)",
                    name},
                   true);
  }
  report_if_all_ended(self);
}

// An actor of the pipeline stopped although nothing asked it to (it threw): what it
// did is lost, so every stream that has not ended fails now instead of waiting.
void on_actor_stopped(emitter self, const actor_stopped& stopped) {
  auto& state = self->state;
  for (std::size_t i = 0; i < state.streams.size(); ++i) {
    const auto& stream = state.streams[i].pages;
    if (stream.ended())
      continue;
    end_incomplete(self, i,
                   {config::failure_type::system_error,
                    stopped.role + " actor stopped (" + stopped.reason + ") before "
                      + stream.name()
                      + " was read completely; the read ends here (a defect: please report it)",
                    stopped.reason});
  }
  report_if_all_ended(self);
}

// Many requests in flight get 429 together; one status per pause is enough.
void on_rate_limited(emitter self, std::int64_t resume_at_ms) {
  auto& state = self->state;
  if (resume_at_ms < state.announced_resume_ms + 1000)
    return;
  state.announced_resume_ms = resume_at_ms;
  for (const auto& stream : state.streams)
    if (!stream.pages.ended())
      report_status(self, stream.pages.name(), stream_status::running, resume_at_ms);
}

// Opens every stream at the sink and reports it STARTED, with how it is read.
void open_streams(emitter self) {
  auto& state = self->state;
  for (const auto& [definition, start, resume_in_sink] : state.settings.streams) {
    state.streams.push_back({logic::stream_ledger(definition->name),
                             logic::checkpoint_tracker(start, state.settings.checkpoint_records,
                                                       state.settings.checkpoint_interval,
                                                       self->clock().now())});
    std::vector<std::string> key;
    for (const auto& path : definition->primary_key)
      key.push_back(path.front()); // the API's keys are top-level fields
    ask_sink(self, sink_open_stream{definition->name, protocol::stream_json_schema(*definition),
                                    std::move(key), start.continues_earlier_sync(),
                                    resume_in_sink});
    self->send(state.reporter, stream_status_report{definition->name, stream_status::started,
                                                    std::nullopt, start.describe()});
  }
}

emitter_actor::behavior_type emit_pages(emitter self, emitter_settings settings,
                                        sink_actor sink, reporter_actor reporter,
                                        caf::actor on_done) {
  messages::exit_on_exception(self);
  auto& state = self->state;
  state.settings = std::move(settings);
  state.sink = std::move(sink);
  state.reporter = std::move(reporter);
  state.on_done = std::move(on_done);
  open_streams(self);
  return {
    [=](page_records& page) { return on_page(self, page); },
    [=](const stream_finished& finished) {
      self->state.streams.at(finished.stream).pages.set_page_count(finished.page_count);
      complete_if_done(self, finished.stream);
    },
    [=](const stream_restarted& restarted) {
      ask_sink(self, sink_restart_stream{self->state.streams.at(restarted.stream).pages.name()});
    },
    [=](stream_failed& failed) {
      end_incomplete(self, failed.stream, std::move(failed.report));
      report_if_all_ended(self);
    },
    [=](const interrupted& signal) { on_interrupted(self, signal.signal); },
    [=](const rate_limited& notice) { on_rate_limited(self, notice.resume_at_ms); },
    [=](const actor_stopped& stopped) { on_actor_stopped(self, stopped); },
    [=](figures_atom) { return stream_progress{logic::figures_of(self->state.streams)}; },
  };
}

} // namespace

emitter_actor spawn_emitter(caf::actor_system& system, emitter_settings settings,
                            const sink_actor& sink, const reporter_actor& reporter,
                            const caf::actor& on_done) {
  return system.spawn(emit_pages, std::move(settings), sink, reporter, on_done);
}

} // namespace klarna::actors
