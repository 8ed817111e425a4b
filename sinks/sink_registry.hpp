#pragma once

#include "pipeline/messages/sink_contract.hpp"
#include "stores/destination_lock.hpp"
#include "stores/table_store.hpp"

#include <caf/fwd.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace klarna::sinks {

/// Makes a sink actor for the part of a --sink URI after "scheme:" (a directory, a
/// file, a connection string). Opens what it needs before returning, so that a
/// target that cannot be used fails before any request is made: it throws
/// config::input_error naming the target and what is wrong.
using sink_factory = messages::sink_actor (*)(caf::actor_system& system, const std::string& target);

/// Reads the states a sink keeps for `target` (the database sinks), by stream.
using saved_states_reader = std::map<std::string, stores::saved_state> (*)(const std::string& target);

/// Takes the lock of one destination (stores/destination_lock.hpp) for the part
/// of a --sink URI after "scheme:".
using destination_locker = std::unique_ptr<stores::destination_lock> (*)(const std::string& target);

/// One kind of sink that --sink can name.
struct sink_kind {
  const char* scheme;
  const char* usage; // "sqlite:FILE", for help and error texts
  const char* description;
  sink_factory make;
  /// Null for sinks that keep no state to continue from.
  saved_states_reader saved_states = nullptr;
  /// Null for sinks whose output no other sync can share (stdout).
  destination_locker lock = nullptr;
  /// Airbyte's stdout: `read` then writes records and reports through one actor.
  bool writes_stdout = false;
  /// Records with a primary key replace the stored ones with the same key (the
  /// databases). Into a sink that only appends, `sync` reads the keyed streams in
  /// full, since their incremental reads read some records again (payouts within
  /// the lookback window, the last two months of summaries).
  bool upserts_keyed_records = false;
};

/// Registers a kind of sink, from the sink's own file (docs/SINKS.md):
///   const sink_registration registration{{"csv", "csv:DIR", "...", spawn_csv_sink}};
/// klarna_sinks is an object library, so every sink file's registration is linked.
struct sink_registration {
  explicit sink_registration(sink_kind kind);
};

/// Every kind of sink, in the order help lists them: airbyte: (read's default) first,
/// the others by scheme.
std::vector<sink_kind> sink_kinds();

/// Spawns the sink that `uri` names ("sqlite:klarna.db", "airbyte:"). Throws
/// config::input_error for an unknown scheme, a missing target or an unusable one.
messages::sink_actor spawn_sink(caf::actor_system& system, const std::string& uri);

/// True when the sink `uri` names is Airbyte's stdout (sinks/airbyte_output.hpp).
/// Throws config::input_error like spawn_sink.
bool writes_stdout(const std::string& uri);

/// True when the sink `uri` names replaces keyed records (sink_kind::upserts_keyed_records).
/// Throws config::input_error like spawn_sink.
bool upserts_keyed_records(const std::string& uri);

/// True when the sink `uri` names keeps each stream's state with its data (so a
/// sync can continue from it). Throws config::input_error like spawn_sink.
bool keeps_state(const std::string& uri);

/// The states the sink `uri` names keeps, by stream; empty when it keeps none.
/// Throws config::input_error like spawn_sink.
std::map<std::string, stores::saved_state> saved_states_of(const std::string& uri);

/// Takes the lock of the destination `uri` names, for as long as the result lives
/// (null for a sink without one). Throws config::input_error when another sync holds
/// it, saying which, and like spawn_sink.
std::unique_ptr<stores::destination_lock> lock_destination(const std::string& uri);

/// "airbyte:, jsonl:DIR, sqlite:FILE, ..." for help texts.
std::string sink_usages();

} // namespace klarna::sinks
