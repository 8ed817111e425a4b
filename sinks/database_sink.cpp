#include "sinks/database_sink.hpp"

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"
#include "sinks/completed_states.hpp"
#include "stores/postgres_store.hpp"
#include "stores/sqlite_store.hpp"
#include "messages/exception_policy.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <map>
#include <memory>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;
using stores::table_store;

struct database_sink_state {
  std::shared_ptr<table_store> store;
  completed_states checkpoints; // the state each complete stream commits with its data
  std::map<std::string, bool> appends; // stream -> its records add to the table's
  std::string failure; // the first failure; nothing is written after it
};

using database_sink = sink_actor::stateful_pointer<database_sink_state>;

// Runs a store operation and answers with its outcome: the first failure is kept,
// answers every later request and stops all writing.
template <class Operation>
sink_reply guarded(database_sink self, Operation&& operation) {
  auto& state = self->state;
  if (!state.failure.empty())
    return {state.failure};
  try {
    operation(*state.store);
  } catch (const std::exception& e) {
    state.failure = e.what();
  }
  return {state.failure};
}

sink_actor::behavior_type database_sink_behavior(database_sink self,
                                                 std::shared_ptr<table_store> store) {
  messages::exit_on_exception(self);
  self->state.store = std::move(store);
  return {
    [=](const sink_open_stream& open) {
      return guarded(self, [&](table_store& db) {
        db.open_stream(stores::layout_for(open.stream, open.json_schema, open.primary_key),
                       open.resume);
        self->state.appends[open.stream] = open.append;
      });
    },
    [=](const sink_write_records& batch) {
      return guarded(self, [&](table_store& db) { db.write_batch(batch.stream, batch.lines); });
    },
    [=](const sink_checkpoint& checkpoint) {
      self->state.checkpoints.on_checkpoint(checkpoint);
      if (checkpoint.final) // committed with the data when the stream closes
        return sink_reply{self->state.failure};
      return guarded(self, [&](table_store& db) {
        db.checkpoint_stream(checkpoint.stream,
                             protocol::stream_state_json(checkpoint.stream, checkpoint.stream_state,
                                                         checkpoint.record_count));
      });
    },
    [=](const sink_restart_stream& restart) {
      return guarded(self, [&](table_store& db) {
        db.open_stream(db.layout_of(restart.stream), false);
      });
    },
    [=](const sink_close_stream& close) {
      const auto* final_state = self->state.checkpoints.find(close.stream);
      return guarded(self, [&](table_store& db) {
        if (close.complete && final_state)
          db.complete_stream(close.stream, *final_state, self->state.appends[close.stream]);
        else
          db.abandon_stream(close.stream);
      });
    },
    [=](sink_finish) { return sink_reply{self->state.failure}; },
    [=](const sink_stream_status&) { return sink_reply{self->state.failure}; },
    [=](const log_entry&) { return sink_reply{self->state.failure}; },
    [=](const stream_error&) { return sink_reply{self->state.failure}; },
  };
}

template <class Store>
std::shared_ptr<table_store> open_store(const std::string& target,
                                        const std::string& uri_for_errors) {
  try {
    return std::make_shared<Store>(target);
  } catch (const stores::store_error& e) {
    throw config::input_error("--sink " + uri_for_errors + ": " + e.what());
  }
}

// Opens the store before the sync starts, so a database that cannot be used fails
// before any request is made.
template <class Store>
sink_actor spawn_with(caf::actor_system& system, const std::string& target,
                      const std::string& uri_for_errors) {
  return system.spawn<caf::detached>(database_sink_behavior,
                                     open_store<Store>(target, uri_for_errors));
}

template <class Store>
std::map<std::string, stores::saved_state> saved_states_with(const std::string& target,
                                                             const std::string& uri_for_errors) {
  auto store = open_store<Store>(target, uri_for_errors);
  try {
    return store->saved_states();
  } catch (const stores::store_error& e) {
    throw config::input_error("--sink " + uri_for_errors + ": " + e.what());
  }
}

} // namespace

sink_actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path) {
  return spawn_with<stores::sqlite_store>(system, path, "sqlite:" + path);
}

sink_actor spawn_postgres_sink(caf::actor_system& system, const std::string& conninfo) {
  // The connection string may hold a password: errors never repeat it.
  return spawn_with<stores::postgres_store>(system, conninfo, "postgres:...");
}

std::map<std::string, stores::saved_state> sqlite_saved_states(const std::string& path) {
  return saved_states_with<stores::sqlite_store>(path, "sqlite:" + path);
}

std::map<std::string, stores::saved_state> postgres_saved_states(const std::string& conninfo) {
  return saved_states_with<stores::postgres_store>(conninfo, "postgres:...");
}

} // namespace klarna::sinks
