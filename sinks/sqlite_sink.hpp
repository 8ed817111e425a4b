#pragma once

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// Spawns the SQLite sink (`--sink sqlite:FILE`), the embedded default of `sync`:
/// a table per stream (sinks/table_layout.hpp), written as sinks/sqlite_store.hpp
/// describes. Each batch is acknowledged once its transaction committed. Runs
/// detached: SQLite blocks on disk.
caf::actor spawn_sqlite_sink(caf::actor_system& system, const std::string& path);

} // namespace klarna::sinks
