#include "sinks/jsonl_sink.hpp"

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"
#include "stores/record_lines.hpp"
#include "messages/sink_contract.hpp"

#include <caf/all.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

namespace klarna::sinks {

using namespace klarna::messages;
using namespace klarna::stores;

namespace {

namespace fs = std::filesystem;

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

struct jsonl_sink_state {
  fs::path directory;
  std::map<std::string, file_ptr> open_files;
  std::map<std::string, std::string> states; // stream -> state of its last completion
  std::string write_error;
};

using jsonl_sink_actor = caf::stateful_actor<jsonl_sink_state>;

fs::path part_path(const jsonl_sink_state& state, const std::string& stream) {
  return state.directory / (stream + ".jsonl.part");
}

// Records the first failure and tells the sender, once.
void fail(jsonl_sink_actor* self, const std::string& what) {
  if (!self->state.write_error.empty())
    return;
  self->state.write_error = what + ": " + std::strerror(errno);
  self->send(caf::actor_cast<caf::actor>(self->current_sender()),
             sink_failed{self->state.write_error});
}

void write_states(jsonl_sink_actor* self) {
  auto& state = self->state;
  std::string text = "[";
  for (const auto& [stream, json] : state.states)
    text += (text.size() > 1 ? "," : "") + json;
  text += "]\n";
  auto temporary = state.directory / "state.json.tmp";
  file_ptr out(std::fopen(temporary.c_str(), "w"));
  if (!out || std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()
      || std::fflush(out.get()) != 0)
    return fail(self, "cannot write " + temporary.string());
  out.reset();
  if (std::rename(temporary.c_str(), (state.directory / "state.json").c_str()) != 0)
    fail(self, "cannot rename " + temporary.string());
}

caf::behavior jsonl_sink(jsonl_sink_actor* self, fs::path directory) {
  self->state.directory = std::move(directory);
  return {
    [=](const sink_open_stream& open) {
      auto path = part_path(self->state, open.stream);
      file_ptr file(std::fopen(path.c_str(), "w"));
      if (!file)
        return fail(self, "cannot create " + path.string());
      self->state.open_files[open.stream] = std::move(file);
    },
    [=](const sink_write_records& batch) {
      auto& state = self->state;
      auto found = state.open_files.find(batch.stream);
      if (state.write_error.empty() && found != state.open_files.end()) {
        std::FILE* file = found->second.get();
        bool ok = true;
        for_each_record_data(batch.lines, [&](std::string_view data) {
          ok = ok && std::fwrite(data.data(), 1, data.size(), file) == data.size()
               && std::fputc('\n', file) != EOF;
        });
        if (!ok || std::fflush(file) != 0)
          return fail(self, "cannot write " + part_path(state, batch.stream).string());
      }
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 sink_written{batch.stream_index});
    },
    [=](const sink_checkpoint& checkpoint) {
      self->state.states[checkpoint.stream] =
        protocol::stream_state_json(checkpoint.stream, checkpoint.record_count);
    },
    [=](const sink_close_stream& close) {
      auto& state = self->state;
      state.open_files.erase(close.stream); // closes the file
      auto part = part_path(state, close.stream);
      if (!close.complete || !state.write_error.empty()) {
        std::remove(part.c_str());
        return;
      }
      auto whole = state.directory / (close.stream + ".jsonl");
      if (std::rename(part.c_str(), whole.c_str()) != 0)
        return fail(self, "cannot rename " + part.string());
      write_states(self);
    },
    [=](sink_finish) {
      // Streams never closed (the sync stopped early) leave no part file behind.
      auto& state = self->state;
      for (auto& [stream, file] : state.open_files) {
        file.reset();
        std::remove(part_path(state, stream).c_str());
      }
      state.open_files.clear();
      return sink_finished{state.write_error.empty(), state.write_error};
    },
    [=](const sink_stream_status&) {},
    [=](const sink_log&) {},
    [=](const sink_error&) {},
  };
}

} // namespace

caf::actor spawn_jsonl_sink(caf::actor_system& system, const std::string& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec || !fs::is_directory(directory))
    throw config::input_error("--sink jsonl:" + directory + ": cannot create directory '"
                              + directory + "'" + (ec ? " (" + ec.message() + ")" : ""));
  return system.spawn<caf::detached>(jsonl_sink, fs::path(directory));
}

} // namespace klarna::sinks
