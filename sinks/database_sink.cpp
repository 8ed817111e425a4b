#include "sinks/database_sink.hpp"

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"
#include "sinks/completed_states.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"
#include "stores/postgres_store.hpp"
#include "stores/sqlite_store.hpp"

#include <map>
#include <memory>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;
using stores::table_store;

// A table per stream in a table_store: each batch acknowledged once its transaction
// committed; a stream moved into its table with its state when it completes.
class database_writer : public record_writer {
public:
  explicit database_writer(std::shared_ptr<table_store> store) : store_(std::move(store)) {}

  void open(const sink_open_stream& open) override {
    store_->open_stream(stores::layout_for(open.stream, open.json_schema, open.primary_key),
                        open.resume);
    appends_[open.stream] = open.append;
  }

  void write(const std::string& stream, const protocol::record_batch& records) override {
    store_->write_batch(stream, records);
  }

  void checkpoint(const sink_checkpoint& checkpoint) override {
    checkpoints_.on_checkpoint(checkpoint);
    if (checkpoint.final) // committed with the data when the stream closes
      return;
    store_->checkpoint_stream(checkpoint.stream,
                              protocol::stream_state_json(checkpoint.stream, checkpoint.stream_state,
                                                          checkpoint.record_count));
  }

  void restart(const std::string& stream) override {
    store_->open_stream(store_->layout_of(stream), false);
  }

  void close(const sink_close_stream& close) override {
    const auto* final_state = checkpoints_.find(close.stream);
    if (close.complete && final_state)
      store_->complete_stream(close.stream, *final_state, appends_[close.stream]);
    else
      store_->abandon_stream(close.stream);
  }

private:
  std::shared_ptr<table_store> store_;
  completed_states checkpoints_; // the state each complete stream commits with its data
  std::map<std::string, bool> appends_; // stream -> its records add to the table's
};

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
  return spawn_kit_sink(system,
                        std::make_unique<database_writer>(open_store<Store>(target, uri_for_errors)));
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

namespace {

std::unique_ptr<stores::destination_lock> lock_sqlite_file(const std::string& path) {
  return stores::lock_file(path + ".lock", "--sink sqlite:" + path);
}

std::unique_ptr<stores::destination_lock> lock_postgres(const std::string& conninfo) {
  try {
    // The connection string may hold a password: errors never repeat it.
    return stores::lock_postgres_schema(conninfo, "--sink postgres:...");
  } catch (const stores::store_error& e) {
    throw config::input_error(std::string("--sink postgres:...: ") + e.what());
  }
}

const sink_registration sqlite_registration{{"sqlite", "sqlite:FILE",
                                             "a table per stream in an SQLite database",
                                             spawn_sqlite_sink, sqlite_saved_states,
                                             lock_sqlite_file, /*writes_stdout=*/false,
                                             /*upserts_keyed_records=*/true}};
const sink_registration postgres_registration{{"postgres", "postgres:CONNINFO",
                                               "a table per stream in a PostgreSQL database",
                                               spawn_postgres_sink, postgres_saved_states,
                                               lock_postgres, /*writes_stdout=*/false,
                                               /*upserts_keyed_records=*/true}};

} // namespace

} // namespace klarna::sinks
