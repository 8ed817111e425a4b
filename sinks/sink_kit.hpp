#pragma once

// The sink kit: what a new sink implements is its data, nothing else. The kit makes
// it a sink actor (messages/sink_contract.hpp): detached, every request answered with
// a sink_reply, diagnostics answered for it, and the failure latch: the first hook
// that throws fails that request and every later one, and no hook runs after it.
// docs/SINKS.md walks through the example, sinks/csv_sink.cpp.

#include "messages/sink_contract.hpp"
#include "stores/destination_lock.hpp"
#include "stores/record_lines.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <string>
#include <utility>

namespace klarna::sinks {

/// The records of one sink_write_records batch, in order.
class record_batch {
public:
  explicit record_batch(const messages::sink_write_records& batch) : batch_(batch) {}

  const std::string& stream() const { return batch_.stream; }

  /// The records as the pipeline carries them now, Airbyte RECORD lines, for the
  /// stores that take them whole (stores/table_store.hpp).
  const std::string& lines() const { return batch_.lines; }

  /// Calls `on_record(data)` with each record's JSON object (a view into the batch),
  /// exactly as Klarna sent it.
  template <class OnRecord>
  void for_each(OnRecord&& on_record) const {
    stores::for_each_record_data(batch_.lines, std::forward<OnRecord>(on_record));
  }

private:
  const messages::sink_write_records& batch_;
};

/// What a sink does with its data, per stream in the order the contract gives (open,
/// write and checkpoint, restart at most once, close), then finish. A hook that
/// cannot do its work throws (std::exception): its text is the failure the sync
/// reports. Hooks that a sink does not need keep their defaults.
class record_writer {
public:
  virtual ~record_writer() = default;

  /// A stream begins: its schema, primary key, append and resume (sink_open_stream).
  virtual void open(const messages::sink_open_stream& open) = 0;

  /// One page of records. Return once they are as durable as the sink makes
  /// anything: the reply is the credit for one more page.
  virtual void write(const record_batch& records) = 0;

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

  /// Diagnostics, for sinks that show them to people (most ignore them).
  virtual void status(const messages::sink_stream_status&) {}
  virtual void log(const messages::log_entry&) {}
  virtual void error(const messages::stream_error&) {}
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
