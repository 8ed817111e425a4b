#pragma once

// The sink kit: what a new sink implements is its data, nothing else. The kit makes
// it a sink actor (pipeline/messages/sink_contract.hpp): detached, every request answered with
// a sink_reply, and the failure latch: the first hook that throws fails that request
// and every later one, and no hook runs after it.
// docs/SINKS.md walks through the example, sinks/csv_sink.cpp.

#include "pipeline/messages/sink_contract.hpp"
#include "stores/destination_lock.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace klarna::sinks {

/// What a sink does with its data, per stream in the order the contract gives (open,
/// write and checkpoint, restart at most once, close), then finish. A hook that
/// cannot do its work throws (std::exception): its text is the failure the sync
/// reports. Hooks that a sink does not need keep their defaults.
class record_writer {
public:
  virtual ~record_writer() = default;

  /// A stream begins: its schema, primary key, append and resume (sink_open_stream).
  virtual void open(const messages::sink_open_stream& open) = 0;

  /// One page of records of `stream` (`records.for_each` gives each record's JSON
  /// object, exactly as Klarna sent it). Return once they are as durable as the sink
  /// makes anything: the reply is the credit for one more page.
  virtual void write(const std::string& stream, const protocol::record_batch& records) = 0;

  /// Everything written of the stream so far is described by `checkpoint`.
  virtual void checkpoint(const messages::sink_checkpoint&) {}

  /// The stream's records come again from the first: what was written of it since
  /// its last complete sync is void.
  virtual void restart(const std::string& stream) = 0;

  /// The stream ends; when not `complete`, its records of this sync must not be
  /// presented as a finished result.
  virtual void close(const messages::sink_close_stream& close) = 0;

  /// The sync's last request: flush and close.
  virtual void finish() {}
};

/// Creates `directory` (and its parents) for a sink, before the sync starts; throws
/// config::input_error naming `sink_uri` and the directory when it cannot.
void create_sink_directory(const std::string& directory, const std::string& sink_uri);

/// The lock of a sink that writes into `directory` (created if needed):
/// DIR/.source-klarna.lock, held by one sync at a time; `label` names the sink in the
/// error when another sync holds it.
std::unique_ptr<stores::destination_lock> lock_directory(const std::string& directory,
                                                         const std::string& label);

/// Spawns `writer` as a sink actor on a thread of its own (caf::detached: a hook may
/// block on a disk or a database and holds up nothing else).
messages::sink_actor spawn_kit_sink(caf::actor_system& system,
                                    std::unique_ptr<record_writer> writer);

} // namespace klarna::sinks
