#include "sinks/count_sink.hpp"

#include "config/input_error.hpp"
#include "stores/record_lines.hpp"
#include "messages/sink_contract.hpp"

#include <caf/all.hpp>

#include <cstdio>
#include <fstream>
#include <vector>

namespace klarna::sinks {

using namespace klarna::messages;
using namespace klarna::stores;

namespace {

struct stream_count {
  std::string name;
  std::uint64_t records = 0;
  bool complete = false;
};

struct count_sink_state {
  std::string path;
  std::vector<stream_count> streams; // in the order they were opened
};

using count_sink_actor = caf::stateful_actor<count_sink_state>;

stream_count* find(count_sink_actor* self, const std::string& name) {
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

caf::behavior count_sink(count_sink_actor* self, std::string path) {
  self->state.path = std::move(path);
  return {
    [=](const sink_open_stream& open) { self->state.streams.push_back({open.stream}); },
    [=](const sink_write_records& batch) {
      // A real sink makes the batch durable here, then acknowledges: the
      // acknowledgement is the credit for one more page.
      if (auto* stream = find(self, batch.stream))
        for_each_record_data(batch.lines, [&](std::string_view) { ++stream->records; });
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 sink_written{batch.stream_index});
    },
    [=](const sink_close_stream& close) {
      if (auto* stream = find(self, close.stream))
        stream->complete = close.complete;
    },
    [=](sink_finish) {
      auto error = write_counts(self->state);
      return sink_finished{error.empty(), error};
    },
    // Statuses, checkpoints, logs and errors mean nothing to this sink.
    [=](const sink_stream_status&) {},
    [=](const sink_checkpoint&) {},
    [=](const sink_log&) {},
    [=](const sink_error&) {},
  };
}

} // namespace

caf::actor spawn_count_sink(caf::actor_system& system, const std::string& path) {
  // Fail before the sync starts if FILE cannot be written.
  std::ofstream probe(path + ".tmp");
  if (!probe)
    throw config::input_error("--sink count:" + path + ": cannot write " + path + ".tmp");
  return system.spawn(count_sink, path);
}

} // namespace klarna::sinks
