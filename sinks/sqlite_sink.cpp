#include "sinks/sqlite_sink.hpp"

#include "config/input_error.hpp"
#include "pipeline/airbyte_messages.hpp"
#include "sinks/sink.hpp"
#include "sinks/sqlite_store.hpp"

#include <boost/json/parse.hpp>

#include <caf/all.hpp>

#include <map>
#include <memory>

namespace klarna::sinks {

namespace {

struct sqlite_sink_state {
  std::shared_ptr<sqlite_store> store;
  std::map<std::string, std::string> checkpoints; // stream -> state to commit with it
  std::string error;
};

using sqlite_sink_actor = caf::stateful_actor<sqlite_sink_state>;

// Runs a store operation; the first failure is reported once and stops all writing.
template <class Operation>
void guarded(sqlite_sink_actor* self, Operation&& operation) {
  auto& state = self->state;
  if (!state.error.empty())
    return;
  try {
    operation(*state.store);
  } catch (const std::exception& e) {
    state.error = e.what();
    self->send(caf::actor_cast<caf::actor>(self->current_sender()), sink_failed{state.error});
  }
}

caf::behavior sqlite_sink(sqlite_sink_actor* self, std::shared_ptr<sqlite_store> store) {
  self->state.store = std::move(store);
  return {
    [=](const sink_open_stream& open) {
      guarded(self, [&](sqlite_store& db) {
        db.open_stream(layout_for(open.stream, boost::json::parse(open.json_schema),
                                  open.primary_key));
      });
    },
    [=](const sink_write_records& batch) {
      guarded(self, [&](sqlite_store& db) { db.write_batch(batch.stream, batch.lines); });
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 sink_written{batch.stream_index});
    },
    [=](const sink_checkpoint& checkpoint) {
      self->state.checkpoints[checkpoint.stream] =
        pipeline::stream_state_json(checkpoint.stream, checkpoint.record_count);
    },
    [=](const sink_close_stream& close) {
      auto& checkpoints = self->state.checkpoints;
      guarded(self, [&](sqlite_store& db) {
        if (close.complete && checkpoints.count(close.stream))
          db.complete_stream(close.stream, checkpoints[close.stream]);
        else
          db.abandon_stream(close.stream);
      });
    },
    [=](sink_finish) { return sink_finished{self->state.error.empty(), self->state.error}; },
    [=](const sink_stream_status&) {},
    [=](const sink_log&) {},
    [=](const sink_error&) {},
  };
}

} // namespace

caf::actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path) {
  std::shared_ptr<sqlite_store> store;
  try {
    store = std::make_shared<sqlite_store>(path);
  } catch (const store_error& e) {
    throw config::input_error("--sink sqlite:" + path + ": " + e.what());
  }
  return system.spawn<caf::detached>(sqlite_sink, std::move(store));
}

} // namespace klarna::sinks
