#pragma once

#include "pipeline/messages/sink_contract.hpp"
#include "stores/table_store.hpp"

#include <caf/fwd.hpp>

#include <map>
#include <string>

namespace klarna::sinks {

/// Spawns the SQLite sink (`--sink sqlite:FILE`), the embedded default of `sync`.
messages::sink_actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path);

/// Spawns the PostgreSQL sink (`--sink postgres:CONNINFO`, a libpq connection string
/// or URI).
messages::sink_actor spawn_postgres_sink(caf::actor_system& system, const std::string& conninfo);

/// The states the database of a sqlite: or postgres: target keeps, by stream, so
/// that `sync` continues from them. Throws config::input_error when it cannot be
/// opened.
std::map<std::string, stores::saved_state> sqlite_saved_states(const std::string& path);
std::map<std::string, stores::saved_state> postgres_saved_states(const std::string& conninfo);

// Both are one actor over a table_store (stores/table_store.hpp): a table per stream
// (stores/table_layout.hpp), each batch acknowledged once its transaction committed.
// They run detached: databases block.

} // namespace klarna::sinks
