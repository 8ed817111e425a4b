#include "actors/fake_sink.hpp"

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace klarna::testing {

using namespace klarna::messages;

std::vector<std::string> sink_requests::starting_with(const std::string& prefix) const {
  std::vector<std::string> found;
  for (const auto& line : lines)
    if (line.rfind(prefix, 0) == 0)
      found.push_back(line);
  return found;
}

namespace {

sink_actor::behavior_type fake_sink(sink_actor::pointer, std::shared_ptr<sink_requests> log) {
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
    [=](const sink_stream_status& status) {
      return note("status " + status.stream + " " + protocol::status_name(status.status)
                  + (status.rate_limited_until_ms ? " rate-limited" : ""));
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
    [=](const log_entry& entry) {
      return note(std::string("log ") + protocol::level_name(entry.level) + " " + entry.message);
    },
    [=](const stream_error& error) { return note("error " + error.stream + " " + error.report.message); },
    [=](sink_finish) { return note("finish"); },
  };
}

} // namespace

sink_actor spawn_fake_sink(caf::actor_system& system, std::shared_ptr<sink_requests> requests) {
  return system.spawn(fake_sink, std::move(requests));
}

} // namespace klarna::testing
