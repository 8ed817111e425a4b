#pragma once

// The sink contract: the messages a sink actor receives from the emitter, and the
// acknowledgements it sends back. A sink writes; it decides nothing about order or
// completeness (the emitter does). Per stream a sink sees, in this order:
//   sink_open_stream, then sink_write_records (each acknowledged with one
//   sink_written once durable), sink_stream_status RUNNING, sink_checkpoint when the
//   stream is complete, and sink_close_stream (complete or not).
// The acknowledgement is the credit that lets one more page be fetched, so a slow
// sink slows the whole read and memory stays bounded. A sink whose output fails
// sends sink_failed once and writes nothing more. sink_finish is answered with
// sink_finished after everything before it is written and flushed. docs/SINKS.md
// explains how to write one.

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klarna::messages {

/// A stream begins: what its records look like and how they are keyed.
struct sink_open_stream {
  std::size_t stream_index = 0;
  std::string stream;
  /// The records' JSON schema (serialized), as discover describes them.
  std::string json_schema;
  /// Top-level fields that identify a record; empty when none does.
  std::vector<std::string> primary_key;
  /// "full_refresh": every sync reads the whole collection.
  std::string sync_mode = "full_refresh";
};

/// A stream ends: `complete` when every record was written and checkpointed, else
/// the sync failed or stopped before (a sink must then not present the stream's
/// records of this sync as a finished result).
struct sink_close_stream {
  std::string stream;
  bool complete = false;
};

/// A stream's status while it runs (RUNNING), possibly with the time requests
/// resume after a rate limit. STARTED, COMPLETE and INCOMPLETE follow from
/// sink_open_stream and sink_close_stream.
struct sink_stream_status {
  std::string stream;
  protocol::stream_status status = protocol::stream_status::started;
  std::optional<std::int64_t> rate_limited_until_ms;
};

/// Records of one page, in order: Airbyte RECORD lines, one per record
/// (stores/record_lines.hpp gets each record's data out of them).
struct sink_write_records {
  std::size_t stream_index = 0;
  std::string stream;
  std::string lines;
  std::uint64_t record_count = 0;
};

/// Acknowledgement of one sink_write_records.
struct sink_written {
  std::size_t stream_index = 0;
};

/// Everything written for `stream` so far is a consistent state: `record_count`
/// records since the previous checkpoint of that stream.
struct sink_checkpoint {
  std::string stream;
  std::uint64_t record_count = 0;
};

/// A progress or diagnostic message.
struct sink_log {
  std::string level;
  std::string message;
};

/// A failure of the sync or of one stream (`stream` empty when not one stream's).
struct sink_error {
  std::string message;
  std::string internal_message;
  config::failure_type failure = config::failure_type::system_error;
  std::string stream;
};

/// Flush and answer sink_finished.
struct sink_finish {};

/// Answer to sink_finish; `ok` is false when a write failed.
struct sink_finished {
  bool ok = true;
  std::string error;
};

/// Sent once by a sink, to the sender of the message it could not write, when its
/// output fails (stdout closed, disk full ...). Nothing it is sent after that is
/// written; the emitter ends the sync as incomplete.
struct sink_failed {
  std::string error;
};

} // namespace klarna::messages

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_open_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_close_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_stream_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_write_records)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_written)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_checkpoint)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_log)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_error)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_finish)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_finished)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_failed)
