#include "sinks/sink_registry.hpp"

#include "config/input_error.hpp"
#include "sinks/airbyte_stdout_sink.hpp"
#include "sinks/count_sink.hpp"
#include "sinks/database_sink.hpp"
#include "sinks/jsonl_sink.hpp"

#include <caf/actor_system.hpp>

#include <cstdio>
#include <filesystem>

namespace klarna::sinks {

namespace {

messages::sink_actor make_airbyte_sink(caf::actor_system& system, const std::string& target) {
  if (!target.empty())
    throw config::input_error("--sink airbyte: takes no target (it writes to stdout), got 'airbyte:"
                              + target + "'");
  return spawn_airbyte_stdout_sink(system, stdout);
}

std::unique_ptr<stores::destination_lock> lock_jsonl_directory(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  return stores::lock_file(directory + "/.source-klarna.lock", "--sink jsonl:" + directory);
}

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

} // namespace

const std::vector<sink_kind>& sink_kinds() {
  static const std::vector<sink_kind> kinds = {
    {"airbyte", "airbyte:", "Airbyte protocol messages on stdout (read's default)",
     make_airbyte_sink},
    {"jsonl", "jsonl:DIR", "one JSON-lines file per stream and state.json in DIR",
     spawn_jsonl_sink, nullptr, lock_jsonl_directory},
    {"sqlite", "sqlite:FILE", "a table per stream in an SQLite database", spawn_sqlite_sink,
     sqlite_saved_states, lock_sqlite_file},
    {"postgres", "postgres:CONNINFO", "a table per stream in a PostgreSQL database",
     spawn_postgres_sink, postgres_saved_states, lock_postgres},
    {"count", "count:FILE", "the example sink of docs/SINKS.md: records per stream into FILE",
     spawn_count_sink},
  };
  return kinds;
}

std::string sink_usages() {
  std::string text;
  for (const auto& kind : sink_kinds())
    text += (text.empty() ? "" : ", ") + std::string(kind.usage);
  return text;
}

namespace {

// The kind of sink `uri` names and its target. Throws config::input_error.
std::pair<const sink_kind*, std::string> resolve(const std::string& uri) {
  auto colon = uri.find(':');
  auto scheme = uri.substr(0, colon);
  for (const auto& kind : sink_kinds()) {
    if (colon == std::string::npos || scheme != kind.scheme)
      continue;
    auto target = uri.substr(colon + 1);
    if (target.empty() && std::string(kind.usage).back() != ':')
      throw config::input_error("--sink " + uri + " names no target; expected " + kind.usage);
    return {&kind, target};
  }
  throw config::input_error("--sink must be one of " + sink_usages() + ", got '" + uri + "'");
}

} // namespace

messages::sink_actor spawn_sink(caf::actor_system& system, const std::string& uri) {
  auto [kind, target] = resolve(uri);
  return kind->make(system, target);
}

bool keeps_state(const std::string& uri) { return resolve(uri).first->saved_states != nullptr; }

std::unique_ptr<stores::destination_lock> lock_destination(const std::string& uri) {
  auto [kind, target] = resolve(uri);
  if (kind->lock == nullptr)
    return nullptr;
  return kind->lock(target);
}

std::map<std::string, stores::saved_state> saved_states_of(const std::string& uri) {
  auto [kind, target] = resolve(uri);
  if (kind->saved_states == nullptr)
    return {};
  return kind->saved_states(target);
}

} // namespace klarna::sinks
