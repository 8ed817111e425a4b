#pragma once

#include "config/input_error.hpp"
#include "protocol/record_batch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::protocol {

/// Milliseconds since the Unix epoch, as Airbyte's emitted_at wants them.
std::int64_t now_epoch_ms();

/// Replaces `out` with a RECORD line per record of the batch, in order: the
/// record's JSON as sent is the line's data, the batch's time its emitted_at.
void render_record_lines(const std::string& stream, const record_batch& records, std::string& out);

/// Each of these returns one complete Airbyte message line ending in '\n'.
std::string spec_line(const boost::json::value& specification);
std::string catalog_line(const boost::json::value& catalog);
std::string connection_status_line(bool succeeded, const std::string& message);

/// Levels of AirbyteLogMessage that the connector uses.
enum class log_level { info, warn, error };

/// "INFO", "WARN", "ERROR".
const char* level_name(log_level level);

std::string log_line(log_level level, const std::string& message);

/// Stream status values of AirbyteStreamStatusTraceMessage.
enum class stream_status { started, running, complete, incomplete };

/// "STARTED", "RUNNING", "COMPLETE", "INCOMPLETE".
const char* status_name(stream_status status);

/// A TRACE STREAM_STATUS line; `rate_limited_until_ms` adds a RATE_LIMITED reason
/// (with quota_reset when it is positive).
std::string stream_status_line(const std::string& stream, stream_status status,
                               std::optional<std::int64_t> rate_limited_until_ms = {});

/// The AirbyteStateMessage (type STREAM) for `stream` with `stream_state`
/// (protocol/stream_state.hpp), carrying in sourceStats the number of records
/// emitted since the stream's previous STATE.
std::string stream_state_json(const std::string& stream, const boost::json::object& stream_state,
                              std::uint64_t record_count);

/// The same as a STATE line.
std::string stream_state_line(const std::string& stream, const boost::json::object& stream_state,
                              std::uint64_t record_count);

/// Why a stream or the sync failed: what a TRACE ERROR carries.
struct failure_report {
  config::failure_type failure = config::failure_type::system_error;
  /// For the user: what went wrong and what to do.
  std::string message;
  /// For the developer: the raw cause (curl's text, the server's answer).
  std::string internal_message;
};

/// A TRACE ERROR line; `stream` empty when the error is not about one stream.
std::string error_trace_line(const failure_report& report, const std::string& stream = {});

} // namespace klarna::protocol
