#include "actors/fake_output.hpp"

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace klarna::testing {

using namespace klarna::messages;

std::vector<std::string> output_requests::starting_with(const std::string& prefix) const {
  std::vector<std::string> found;
  for (const auto& line : lines)
    if (line.rfind(prefix, 0) == 0)
      found.push_back(line);
  return found;
}

namespace {

fake_output_actor::behavior_type fake_output(fake_output_actor::pointer,
                                             std::shared_ptr<output_requests> log) {
  auto note = [log](std::string line) {
    log->lines.push_back(std::move(line));
    return sink_reply{};
  };
  return {
    [=](const sink_open_stream& open) { return note("open " + open.stream); },
    [=](const sink_write_records& batch) {
      if (log->fail_writes) {
        log->lines.push_back("refused " + batch.stream);
        return sink_reply{"disk full"};
      }
      std::string records;
      batch.records.for_each([&](std::string_view record) {
        (records += records.empty() ? "" : ",") += record;
      });
      return note("write " + batch.stream + " " + records);
    },
    [=](const sink_restart_stream& restart) { return note("restart " + restart.stream); },
    [=](const sink_checkpoint& checkpoint) {
      return note("checkpoint " + checkpoint.stream + " " + std::to_string(checkpoint.record_count)
                  + (checkpoint.final ? " final " : " ")
                  + boost::json::serialize(checkpoint.stream_state));
    },
    [=](const sink_close_stream& close) {
      return note("close " + close.stream + (close.complete ? " complete" : " incomplete"));
    },
    [=](sink_finish) { return note("finish"); },
    [=](const stream_status_report& report) {
      note("status " + report.stream + " " + protocol::status_name(report.status)
           + (report.rate_limited_until_ms ? " rate-limited" : "")
           + (report.detail.empty() ? "" : " " + report.detail));
    },
    [=](const log_entry& entry) {
      note(std::string("log ") + protocol::level_name(entry.level) + " " + entry.message);
    },
    [=](const stream_error& error) { note("error " + error.stream + " " + error.report.message); },
    [=](const protocol::progress_figures&) { note("progress"); },
    [=](const run_summary&) { return note("summary").ok(); },
  };
}

} // namespace

fake_output_actor spawn_fake_output(caf::actor_system& system,
                                    std::shared_ptr<output_requests> requests) {
  return system.spawn(fake_output, std::move(requests));
}

} // namespace klarna::testing
