#include "protocol/airbyte_messages.hpp"

#include "config/printable_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <chrono>

namespace klarna::protocol {

namespace {

std::string line_of(const boost::json::object& message) {
  auto line = boost::json::serialize(message);
  line += '\n';
  return line;
}

// Free text that may carry anything (a server's words, a field's name) is redacted
// before it is put in a message, so that no form of the password survives the
// JSON escaping, and its control characters escaped and its length bounded, so that
// a server cannot forge lines in whatever shows the message; keys and the
// protocol's own values are never touched.
boost::json::string redacted(const std::string& text) {
  return boost::json::string(config::text_for_output(text));
}

boost::json::object descriptor(const std::string& stream) {
  return {{"name", stream}};
}

// A RECORD line is prefix + the record's JSON + suffix.
std::string record_line_prefix(const std::string& stream) {
  // Stream names are plain identifiers; serialize anyway so any name stays valid JSON.
  return "{\"type\":\"RECORD\",\"record\":{\"stream\":"
         + boost::json::serialize(boost::json::string(stream)) + ",\"data\":";
}

std::string record_line_suffix(std::int64_t emitted_at_ms) {
  return ",\"emitted_at\":" + std::to_string(emitted_at_ms) + "}}\n";
}

} // namespace

std::int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void render_record_lines(const std::string& stream, const record_batch& records, std::string& out) {
  const auto prefix = record_line_prefix(stream);
  const auto suffix = record_line_suffix(records.emitted_at_ms());
  out.clear();
  out.reserve(records.bytes() + records.size() * (prefix.size() + suffix.size()));
  records.for_each([&](std::string_view record) {
    out += prefix;
    out += record;
    out += suffix;
  });
}

std::string spec_line(const boost::json::value& specification) {
  return line_of({{"type", "SPEC"}, {"spec", specification}});
}

std::string catalog_line(const boost::json::value& catalog) {
  return line_of({{"type", "CATALOG"}, {"catalog", catalog}});
}

std::string connection_status_line(bool succeeded, const std::string& message) {
  boost::json::object status{{"status", succeeded ? "SUCCEEDED" : "FAILED"}};
  if (!message.empty())
    status["message"] = redacted(message);
  return line_of({{"type", "CONNECTION_STATUS"}, {"connectionStatus", std::move(status)}});
}

const char* status_name(stream_status status) {
  switch (status) {
    case stream_status::started:
      return "STARTED";
    case stream_status::running:
      return "RUNNING";
    case stream_status::complete:
      return "COMPLETE";
    case stream_status::incomplete:
      return "INCOMPLETE";
  }
  return "INCOMPLETE";
}

const char* level_name(log_level level) {
  switch (level) {
    case log_level::info:
      return "INFO";
    case log_level::warn:
      return "WARN";
    case log_level::error:
      return "ERROR";
  }
  return "INFO";
}

std::string log_line(log_level level, const std::string& message) {
  return line_of(
    {{"type", "LOG"}, {"log", {{"level", level_name(level)}, {"message", redacted(message)}}}});
}

std::string stream_status_line(const std::string& stream, stream_status status,
                               std::optional<std::int64_t> rate_limited_until_ms) {
  boost::json::object body{{"stream_descriptor", descriptor(stream)},
                           {"status", status_name(status)}};
  if (rate_limited_until_ms) {
    boost::json::object reason{{"type", "RATE_LIMITED"}};
    if (*rate_limited_until_ms > 0)
      reason["rate_limited"] = {{"quota_reset", *rate_limited_until_ms}};
    body["reasons"] = boost::json::array{std::move(reason)};
  }
  return line_of({{"type", "TRACE"},
                  {"trace",
                   {{"type", "STREAM_STATUS"},
                    {"emitted_at", now_epoch_ms()},
                    {"stream_status", std::move(body)}}}});
}

std::string stream_state_json(const std::string& stream, const boost::json::object& stream_state,
                              std::uint64_t record_count) {
  boost::json::object state{
    {"type", "STREAM"},
    {"stream", {{"stream_descriptor", descriptor(stream)}, {"stream_state", stream_state}}}};
  // recordCount is a number that should carry a decimal point (protocol doc), which
  // boost::json would print as 1E3; so it is appended as text.
  auto line = boost::json::serialize(state);
  line.pop_back();
  line += ",\"sourceStats\":{\"recordCount\":" + std::to_string(record_count) + ".0}}";
  return line;
}

std::string stream_state_line(const std::string& stream, const boost::json::object& stream_state,
                              std::uint64_t record_count) {
  return "{\"type\":\"STATE\",\"state\":" + stream_state_json(stream, stream_state, record_count)
         + "}\n";
}

std::string error_trace_line(const failure_report& report, const std::string& stream) {
  boost::json::object error{{"message", redacted(report.message)},
                            {"failure_type", config::to_string(report.failure)}};
  if (!report.internal_message.empty())
    error["internal_message"] = redacted(report.internal_message);
  if (!stream.empty())
    error["stream_descriptor"] = descriptor(stream);
  return line_of({{"type", "TRACE"},
                  {"trace",
                   {{"type", "ERROR"}, {"emitted_at", now_epoch_ms()}, {"error", std::move(error)}}}});
}

} // namespace klarna::protocol
