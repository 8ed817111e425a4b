#pragma once

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// Spawns the SQLite sink (`--sink sqlite:FILE`), the embedded default of `sync`.
messages::sink_actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path);

/// Spawns the PostgreSQL sink (`--sink postgres:CONNINFO`, a libpq connection string
/// or URI).
messages::sink_actor spawn_postgres_sink(caf::actor_system& system, const std::string& conninfo);

// Both are one actor over a table_store (stores/table_store.hpp): a table per stream
// (stores/table_layout.hpp), each batch acknowledged once its transaction committed.
// They run detached: databases block.

} // namespace klarna::sinks
