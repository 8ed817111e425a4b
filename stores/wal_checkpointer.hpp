#pragma once

#include "stores/sqlite_handles.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace klarna::stores {

/// Copies an SQLite database's write-ahead log into the database file on a thread
/// and connection of its own, so the writer never waits for a checkpoint's writes
/// and fsyncs (about a fifth of a sync's time when the writer did them: SQLite's
/// automatic checkpoint runs inside the commit that crosses its threshold). The
/// writer turns its automatic checkpoints off and calls wal_grew() from its WAL
/// hook. Checkpoints are PASSIVE: they never block the writer, and whatever they
/// leave behind the next one (or closing the last connection) copies. The log is
/// bounded: past 256 MiB the writer finishes a checkpoint itself, so the log restarts.
class wal_checkpointer {
public:
  /// The writer's journal_size_limit: a log file that restarted is cut back to this.
  /// It lies above the 256 MiB at which the log restarts, so the log's file keeps
  /// its blocks from one restart to the next: cut to 64 MiB, it grew again block by
  /// block, and the file system's allocations and the truncations' page-cache
  /// invalidations cost about a sixth of a sync into SQLite. Closing the last
  /// connection removes the log file either way.
  static constexpr long long log_file_limit_bytes = 320LL << 20;

  /// Opens a second connection to the database at `path`; throws store_error.
  explicit wal_checkpointer(const std::string& path);
  /// Stops the thread (after the checkpoint under way) and closes its connection.
  ~wal_checkpointer();
  wal_checkpointer(const wal_checkpointer&) = delete;
  wal_checkpointer& operator=(const wal_checkpointer&) = delete;

  /// `writer` committed and the log now holds `pages` pages: asks for a
  /// checkpoint past a threshold.
  void wal_grew(sqlite3* writer, int pages);

  /// The first checkpoint failure other than a busy database, empty if none.
  std::string failure();

private:
  void run();

  sqlite_ptr db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::string failure_;
  std::thread thread_;
};

} // namespace klarna::stores
