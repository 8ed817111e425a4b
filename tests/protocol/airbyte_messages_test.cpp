#include "protocol/airbyte_messages.hpp"

#include "config/secrets.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace klarna::protocol;

namespace {
boost::json::object parse_line(const std::string& line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1); // exactly one line
  return boost::json::parse(line).as_object();
}
} // namespace

TEST_CASE("RECORD lines wrap each record of a batch verbatim", "[messages]") {
  record_batch records(1700000000123);
  records.append(R"({"a":9007199254740993,"s":"é\u0000"})");
  records.append(R"({"b":[]})");
  std::string out = "what the buffer held before";
  render_record_lines("payouts", records, out);
  CHECK(out == R"({"type":"RECORD","record":{"stream":"payouts","data":{"a":9007199254740993,"s":"é\u0000"},"emitted_at":1700000000123}})" "\n"
               R"({"type":"RECORD","record":{"stream":"payouts","data":{"b":[]},"emitted_at":1700000000123}})" "\n");
  records.drop_front(2);
  render_record_lines("payouts", records, out);
  CHECK(out.empty());
}

TEST_CASE("a STATE line is per stream, with a decimal record count", "[messages]") {
  auto line = stream_state_line("transactions", {{"listing", {{"offset", 1000}}}}, 1000);
  CHECK_THAT(line, Catch::Contains(R"("recordCount":1000.0)"));
  auto message = parse_line(line);
  CHECK(message["type"] == "STATE");
  auto& state = message["state"].as_object();
  CHECK(state["type"] == "STREAM");
  CHECK(state["stream"].at("stream_descriptor").at("name") == "transactions");
  CHECK(state["stream"].at("stream_state") == boost::json::parse(R"({"listing":{"offset":1000}})"));
}

TEST_CASE("stream status lines carry the status and an optional rate-limit reason", "[messages]") {
  auto running = parse_line(stream_status_line("payouts", stream_status::running));
  CHECK(running["trace"].at("type") == "STREAM_STATUS");
  CHECK(running["trace"].at("stream_status").at("status") == "RUNNING");
  CHECK_FALSE(running["trace"].at("stream_status").as_object().contains("reasons"));
  auto limited = parse_line(stream_status_line("payouts", stream_status::running, 1234));
  auto& reason = limited["trace"].at("stream_status").at("reasons").at(0);
  CHECK(reason.at("type") == "RATE_LIMITED");
  CHECK(reason.at("rate_limited").at("quota_reset") == 1234);
  auto done = parse_line(stream_status_line("payouts", stream_status::incomplete));
  CHECK(done["trace"].at("stream_status").at("status") == "INCOMPLETE");
}

TEST_CASE("error traces carry the failure type and the stream", "[messages]") {
  klarna::config::register_credentials("user", "not-in-these-texts");
  auto message = parse_line(error_trace_line(
    {klarna::config::failure_type::config_error, "bad password", "HTTP 401"}, "payouts"));
  auto& error = message["trace"].at("error");
  CHECK(error.at("failure_type") == "config_error");
  CHECK(error.at("message") == "bad password");
  CHECK(error.at("internal_message") == "HTTP 401");
  CHECK(error.at("stream_descriptor").at("name") == "payouts");
}

TEST_CASE("connection status and log lines", "[messages]") {
  auto ok = parse_line(connection_status_line(true, ""));
  CHECK(ok["connectionStatus"].at("status") == "SUCCEEDED");
  // Free text keeps to one line: whatever shows it cannot be given forged lines.
  auto failed = parse_line(connection_status_line(false, "line one\nline two\x1b[2J"));
  CHECK(failed["connectionStatus"].at("message") == "line one\\nline two\\x1b[2J");
  auto log = parse_line(log_line(log_level::warn, "careful"));
  CHECK(log["log"].at("level") == "WARN");
}

TEST_CASE("no form of the password survives into a line, and the line stays valid",
          "[messages][secrets]") {
  // Short, and made of what JSON escapes.
  klarna::config::register_credentials("user", R"(y"\)");
  for (const auto& line :
       {error_trace_line({klarna::config::failure_type::system_error,
                          R"(server said y"\ twice: y"\)", R"(echo y\"\\)"},
                         "payouts"),
        log_line(log_level::warn, R"(y"\)"), connection_status_line(false, R"(y"\)")}) {
    INFO(line);
    CHECK(line.find(R"(y\"\\)") == std::string::npos); // as JSON-escaped
    auto message = parse_line(line);
    CHECK(message.contains("type"));
  }
  auto message = parse_line(error_trace_line(
    {klarna::config::failure_type::system_error, R"(server said y"\ twice)", ""}));
  CHECK(message["trace"].at("error").at("message") == "server said **** twice");
  klarna::config::register_credentials("user", "not-in-these-texts");
}
