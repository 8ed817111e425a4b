#include "stores/destination_lock.hpp"

#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "stores/table_store.hpp"

#include <libpq-fe.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace klarna::stores {

namespace {

class file_lock : public destination_lock {
public:
  explicit file_lock(int fd) : fd_(fd) {}
  ~file_lock() override { ::close(fd_); }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;

private:
  int fd_;
};

std::string holder_of(int fd) {
  char text[256] = {};
  auto length = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder(text, length > 0 ? static_cast<std::size_t>(length) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
    holder.pop_back();
  return holder.empty() ? "another process" : holder;
}

// Advisory lock keys: one class for this connector, the schema's hash within it.
constexpr const char* lock_key = "1263293006, hashtext(current_schema())";

class postgres_lock : public destination_lock {
public:
  explicit postgres_lock(PGconn* connection) : connection_(connection) {}
  ~postgres_lock() override { PQfinish(connection_); } // the session's lock goes with it
  postgres_lock(const postgres_lock&) = delete;
  postgres_lock& operator=(const postgres_lock&) = delete;

private:
  PGconn* connection_;
};

// The first value of `sql`'s first row, or "" (the result is cleared).
std::string single_value(PGconn* connection, const std::string& sql) {
  PGresult* result = PQexec(connection, sql.c_str());
  std::string value;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0)
    value = PQgetvalue(result, 0, 0);
  PQclear(result);
  return value;
}

} // namespace

std::unique_ptr<destination_lock> lock_file(const std::string& lock_path, const std::string& what) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // No folder to hold it: the destination cannot be written either, and the sink
  // says why when it opens it.
  if (fd < 0 && errno == ENOENT)
    return nullptr;
  if (fd < 0)
    throw config::input_error(what + ": cannot open its lock file '" + lock_path + "' ("
                              + std::strerror(errno) + ")");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    auto holder = holder_of(fd);
    ::close(fd);
    if (error == EWOULDBLOCK)
      throw config::input_error(what + " is in use by another sync (" + holder
                                + "); nothing was written: wait for it to end, or sync into "
                                  "another destination");
    throw config::input_error(what + ": cannot lock '" + lock_path + "' (" + std::strerror(error)
                              + ")");
  }
  auto holder = "process " + std::to_string(::getpid()) + " since "
                + config::format_iso8601_utc(std::time(nullptr)) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // The lock holds all the same; only the holder's description is missing.
  }
  return std::make_unique<file_lock>(fd);
}

std::unique_ptr<destination_lock> lock_postgres_schema(const std::string& conninfo,
                                                       const std::string& what) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string reason = connection != nullptr ? PQerrorMessage(connection) : "out of memory";
    PQfinish(connection);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
      reason.pop_back();
    throw store_error("PostgreSQL: cannot connect: " + reason);
  }
  if (single_value(connection, std::string("SELECT pg_try_advisory_lock(") + lock_key + ")") == "t")
    return std::make_unique<postgres_lock>(connection);
  auto holder = single_value(
    connection,
    "SELECT 'PostgreSQL backend ' || a.pid || ' connected since ' || a.backend_start "
    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
    "AND l.granted AND l.classid = 1263293006 AND l.objid = hashtext(current_schema())::oid "
    "AND l.objsubid = 2");
  auto schema = single_value(connection, "SELECT current_schema()");
  PQfinish(connection);
  throw config::input_error(what + ": schema '" + schema + "' is in use by another sync ("
                            + (holder.empty() ? "another session" : holder)
                            + "); nothing was written: wait for it to end, or sync into "
                              "another schema");
}

} // namespace klarna::stores
