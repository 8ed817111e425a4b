#include "sinks/count_sink.hpp"

#include "config/input_error.hpp"
#include "stores/record_lines.hpp"
#include "messages/exception_policy.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdio>
#include <fstream>
#include <vector>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;

struct stream_count {
  std::string name;
  std::uint64_t records = 0;
  bool complete = false;
};

struct count_sink_state {
  std::string path;
  std::vector<stream_count> streams; // in the order they were opened
};

using count_sink = sink_actor::stateful_pointer<count_sink_state>;

stream_count* find(count_sink self, const std::string& name) {
  for (auto& stream : self->state.streams)
    if (stream.name == name)
      return &stream;
  return nullptr;
}

// Writes FILE through a temporary name, so a reader never sees half of it.
std::string write_counts(const count_sink_state& state) {
  auto temporary = state.path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& stream : state.streams)
      out << stream.name << ' ' << stream.records << ' '
          << (stream.complete ? "complete" : "incomplete") << '\n';
    if (!out.flush())
      return "cannot write " + temporary;
  }
  if (std::rename(temporary.c_str(), state.path.c_str()) != 0)
    return "cannot rename " + temporary + " to " + state.path;
  return {};
}

sink_actor::behavior_type count_sink_behavior(count_sink self, std::string path) {
  messages::exit_on_exception(self);
  self->state.path = std::move(path);
  return {
    [=](const sink_open_stream& open) {
      self->state.streams.push_back({open.stream});
      return sink_reply{};
    },
    [=](const sink_write_records& batch) {
      // A real sink makes the batch durable here, then replies: the reply is the
      // credit for one more page.
      if (auto* stream = find(self, batch.stream))
        stores::for_each_record_data(batch.lines, [&](std::string_view) { ++stream->records; });
      return sink_reply{};
    },
    [=](const sink_restart_stream& restart) {
      if (auto* stream = find(self, restart.stream))
        stream->records = 0;
      return sink_reply{};
    },
    [=](const sink_close_stream& close) {
      if (auto* stream = find(self, close.stream))
        stream->complete = close.complete;
      return sink_reply{};
    },
    [=](sink_finish) { return sink_reply{write_counts(self->state)}; },
    // Statuses, checkpoints, logs and errors mean nothing to this sink.
    [=](const sink_stream_status&) { return sink_reply{}; },
    [=](const sink_checkpoint&) { return sink_reply{}; },
    [=](const log_entry&) { return sink_reply{}; },
    [=](const stream_error&) { return sink_reply{}; },
  };
}

} // namespace

sink_actor spawn_count_sink(caf::actor_system& system, const std::string& path) {
  // Fail before the sync starts if FILE cannot be written.
  std::ofstream probe(path + ".tmp");
  if (!probe)
    throw config::input_error("--sink count:" + path + ": cannot write " + path + ".tmp");
  return system.spawn(count_sink_behavior, path);
}

} // namespace klarna::sinks
