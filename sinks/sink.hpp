#pragma once

// The sink contract: the messages a sink actor receives from the emitter, and the
// acknowledgements it sends back. A sink writes; it decides nothing about order or
// completeness (the emitter does). Every sink_write_records is acknowledged with one
// sink_written once its records are written: that acknowledgement is the credit
// that lets one more page be fetched, so a slow sink slows the whole read and memory
// stays bounded. sink_finish is answered with sink_finished after everything before
// it is written and flushed.

#include "config/input_error.hpp"
#include "pipeline/airbyte_messages.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::sinks {

/// A stream's status changed (STARTED, RUNNING, COMPLETE, INCOMPLETE); a RUNNING
/// status may carry the time requests resume after a rate limit.
struct sink_stream_status {
  std::string stream;
  pipeline::stream_status status = pipeline::stream_status::started;
  std::optional<std::int64_t> rate_limited_until_ms;
};

/// Records of one page, in order: Airbyte RECORD lines, one per record.
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

} // namespace klarna::sinks

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_stream_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_write_records)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_written)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_checkpoint)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_log)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_error)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_finish)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_finished)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::sinks::sink_failed)
