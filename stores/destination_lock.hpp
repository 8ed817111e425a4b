#pragma once

// One writer per destination: a sync takes its destination's lock before it reads
// the destination's state and holds it until it ends, so a second sync into the
// same SQLite file, JSON-lines directory or PostgreSQL schema fails at once instead
// of interleaving with the first. The kernel (flock) or the database (an advisory
// lock of the session) releases a lock whose holder dies, so no stale lock remains
// after a crash or SIGKILL.

#include <memory>
#include <string>

namespace klarna::stores {

/// A held lock; released when destroyed.
class destination_lock {
public:
  virtual ~destination_lock() = default;
};

/// Locks `lock_path` (created if needed; it then says which process holds it and
/// since when). Null when its folder does not exist (the destination cannot be
/// written, and its sink says so). Throws config::input_error naming `what` and the
/// holder when another process holds it.
std::unique_ptr<destination_lock> lock_file(const std::string& lock_path, const std::string& what);

/// Locks the schema that `conninfo` writes to, with an advisory lock held by a
/// connection of its own. Throws config::input_error naming `what` and the holding
/// backend when another session holds it, store_error when it cannot connect.
std::unique_ptr<destination_lock> lock_postgres_schema(const std::string& conninfo,
                                                       const std::string& what);

} // namespace klarna::stores
