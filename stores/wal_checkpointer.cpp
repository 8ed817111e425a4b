#include "stores/wal_checkpointer.hpp"

#include "stores/table_store.hpp"

#include <sqlite3.h>

namespace klarna::stores {

namespace {

// 256 pages of 64 KiB: a checkpoint per 16 MiB written, while the log is still in
// the page cache.
constexpr int pages_per_checkpoint = 256;
// The writer restarts the log from its beginning only when a checkpoint has copied
// all of it before the writer's next transaction, which a writer that never pauses
// rarely allows: past this size the writer copies the little that is left itself.
constexpr int pages_before_writer_checkpoints = 4096;

} // namespace

wal_checkpointer::wal_checkpointer(const std::string& path) {
  sqlite3* opened = nullptr;
  int result = sqlite3_open_v2(path.c_str(), &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                               nullptr);
  db_.reset(opened);
  // A connection that has not read the database does not know it is in WAL mode, and
  // a checkpoint's syncs follow the connection's own setting.
  if (result == SQLITE_OK)
    result = sqlite3_exec(db_.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                          nullptr, nullptr, nullptr);
  if (result != SQLITE_OK)
    throw store_error("SQLite database '" + path + "': cannot open a checkpoint connection: "
                      + (db_ != nullptr ? sqlite3_errmsg(db_.get()) : "out of memory"));
  thread_ = std::thread([this] { run(); });
}

wal_checkpointer::~wal_checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void wal_checkpointer::wal_grew(sqlite3* writer, int pages) {
  if (pages >= pages_before_writer_checkpoints) {
    // Busy when the thread is copying right now: the next commit tries again.
    sqlite3_wal_checkpoint_v2(writer, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return;
  }
  if (pages < pages_per_checkpoint)
    return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

std::string wal_checkpointer::failure() {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

void wal_checkpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_)
      return;
    requested_ = false;
    lock.unlock();
    int result = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                           nullptr);
    lock.lock();
    // Busy: a reader or the writer holds what it needs; the next request retries.
    if (result != SQLITE_OK && result != SQLITE_BUSY && failure_.empty())
      failure_ = std::string("a checkpoint of the write-ahead log failed: ")
                 + sqlite3_errmsg(db_.get());
  }
}

} // namespace klarna::stores
