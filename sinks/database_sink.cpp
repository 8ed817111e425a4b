#include "sinks/database_sink.hpp"

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"
#include "messages/sink_contract.hpp"
#include "stores/postgres_store.hpp"
#include "stores/sqlite_store.hpp"

#include <boost/json/parse.hpp>

#include <caf/all.hpp>

#include <map>
#include <memory>

namespace klarna::sinks {

using namespace klarna::messages;
using namespace klarna::stores;

namespace {

struct database_sink_state {
  std::shared_ptr<table_store> store;
  std::map<std::string, std::string> checkpoints; // stream -> state to commit with it
  std::string error;
};

using database_sink_actor = caf::stateful_actor<database_sink_state>;

// Runs a store operation; the first failure is reported once and stops all writing.
template <class Operation>
void guarded(database_sink_actor* self, Operation&& operation) {
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

caf::behavior database_sink(database_sink_actor* self, std::shared_ptr<table_store> store) {
  self->state.store = std::move(store);
  return {
    [=](const sink_open_stream& open) {
      guarded(self, [&](table_store& db) {
        db.open_stream(layout_for(open.stream, boost::json::parse(open.json_schema),
                                  open.primary_key));
      });
    },
    [=](const sink_write_records& batch) {
      guarded(self, [&](table_store& db) { db.write_batch(batch.stream, batch.lines); });
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 sink_written{batch.stream_index});
    },
    [=](const sink_checkpoint& checkpoint) {
      self->state.checkpoints[checkpoint.stream] =
        protocol::stream_state_json(checkpoint.stream, checkpoint.record_count);
    },
    [=](const sink_close_stream& close) {
      auto& checkpoints = self->state.checkpoints;
      guarded(self, [&](table_store& db) {
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

// Opens the store before the sync starts, so a database that cannot be used fails
// before any request is made.
template <class Store>
caf::actor spawn_with(caf::actor_system& system, const std::string& target,
                      const std::string& uri_for_errors) {
  std::shared_ptr<table_store> store;
  try {
    store = std::make_shared<Store>(target);
  } catch (const store_error& e) {
    throw config::input_error("--sink " + uri_for_errors + ": " + e.what());
  }
  return system.spawn<caf::detached>(database_sink, std::move(store));
}

} // namespace

caf::actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path) {
  return spawn_with<sqlite_store>(system, path, "sqlite:" + path);
}

caf::actor spawn_postgres_sink(caf::actor_system& system, const std::string& conninfo) {
  // The connection string may hold a password: errors never repeat it.
  return spawn_with<postgres_store>(system, conninfo, "postgres:...");
}

} // namespace klarna::sinks
