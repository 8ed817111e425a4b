#include "sinks/jsonl_sink.hpp"

#include "sinks/completed_states.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"
#include "stores/durable_files.hpp"
#include "messages/exception_policy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <map>
#include <memory>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;
using stores::data_on_disk;
using stores::rename_on_disk;
using stores::start_writing_out;
namespace fs = std::filesystem;

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

// A part file's data goes to the disk in steps of this size while the file grows:
// a sync held to Klarna's budget leaves the disk idle, and the wait for all the data
// when the stream completes was 1.7 s for 1,000,000 records.
constexpr std::uint64_t write_out_step = 16 << 20;

// A stream's part file while its records come.
struct part_file {
  file_ptr file;
  std::uint64_t written = 0;     // bytes
  std::uint64_t written_out = 0; // of them, handed to the disk
};

struct jsonl_sink_state {
  fs::path directory;
  std::map<std::string, part_file> open_files;
  completed_states states; // the final state of each completed stream
  /// The length of each completed stream's file, which state.json records with its
  /// state: bytes past it were added by a sync whose state was never written.
  std::map<std::string, std::uintmax_t> committed_bytes;
  std::map<std::string, bool> appends; // stream -> its records add to the file's
  std::string lines; // a batch's lines, kept for its capacity
  std::string failure; // the first failure; nothing is written after it
};

using jsonl_sink = sink_actor::stateful_pointer<jsonl_sink_state>;

fs::path part_path(const jsonl_sink_state& state, const std::string& stream) {
  return state.directory / (stream + ".jsonl.part");
}

// Records the first failure (with errno's text) and answers with it.
sink_reply fail(jsonl_sink self, const std::string& what) {
  if (self->state.failure.empty())
    self->state.failure = what + ": " + std::strerror(errno);
  return {self->state.failure};
}

// The key of a stream's state in state.json that holds its file's committed length.
constexpr const char* committed_key = "jsonl_committed_bytes";

sink_reply write_states(jsonl_sink self) {
  auto& state = self->state;
  std::string text = "[";
  // Only streams whose file is in place (a final checkpoint may come before its
  // stream's file is renamed, while another stream closes), each state with its
  // file's committed length.
  for (const auto& [stream, bytes] : state.committed_bytes) {
    const auto* final = state.states.final_checkpoint(stream);
    if (final == nullptr)
      continue;
    auto stream_state = final->first;
    stream_state[committed_key] = bytes;
    text += (text.size() > 1 ? "," : "")
            + protocol::stream_state_json(stream, stream_state, final->second);
  }
  text += "]\n";
  auto temporary = state.directory / "state.json.tmp";
  file_ptr out(std::fopen(temporary.c_str(), "w"));
  if (!out || std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()
      || !data_on_disk(out.get()))
    return fail(self, "cannot write " + temporary.string());
  out.reset();
  if (!rename_on_disk(temporary, state.directory / "state.json"))
    return fail(self, "cannot rename " + temporary.string());
  return {};
}

// The length state.json says `stream`'s file had when its state was written.
std::optional<std::uintmax_t> committed_length(const fs::path& directory, const std::string& stream) {
  std::ifstream in(directory / "state.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  auto states = boost::json::parse(text, ec);
  if (ec || !states.is_array())
    return std::nullopt;
  for (const auto& message : states.get_array()) {
    const auto* state = message.is_object() ? message.get_object().if_contains("stream") : nullptr;
    if (state == nullptr || !state->is_object())
      continue;
    const auto* name = state->get_object().if_contains("stream_descriptor");
    const auto* stream_state = state->get_object().if_contains("stream_state");
    if (name == nullptr || stream_state == nullptr || !name->is_object() || !stream_state->is_object()
        || name->get_object().if_contains("name") == nullptr
        || *name->get_object().if_contains("name") != boost::json::value(stream))
      continue;
    const auto* bytes = stream_state->get_object().if_contains(committed_key);
    if (bytes != nullptr && bytes->is_int64() && bytes->get_int64() >= 0)
      return static_cast<std::uintmax_t>(bytes->get_int64());
  }
  return std::nullopt;
}

// Before records are added to a stream's file: records past the length its last
// state.json recorded came from a sync that stopped between renaming the file and
// writing the state (the state given to this read does not cover them, so this read
// brings them again); they go, so that each record is in the file once.
sink_reply cut_uncommitted(jsonl_sink self, const std::string& stream) {
  auto whole = self->state.directory / (stream + ".jsonl");
  std::error_code error;
  auto size = fs::file_size(whole, error);
  auto committed = committed_length(self->state.directory, stream);
  if (error || !committed || size <= *committed)
    return {};
  fs::resize_file(whole, *committed, error);
  if (error) {
    errno = error.value();
    return fail(self, "cannot cut " + whole.string() + " back to its committed length");
  }
  return {};
}

sink_reply open_part(jsonl_sink self, const std::string& stream) {
  auto path = part_path(self->state, stream);
  file_ptr file(std::fopen(path.c_str(), "w"));
  if (!file)
    return fail(self, "cannot create " + path.string());
  self->state.open_files[stream] = part_file{std::move(file)};
  return {};
}

sink_reply append_records(jsonl_sink self, const sink_write_records& batch) {
  auto& state = self->state;
  auto found = state.open_files.find(batch.stream);
  if (found == state.open_files.end())
    return fail(self, "no open file for stream " + batch.stream);
  auto& part = found->second;
  std::FILE* file = part.file.get();
  // One fwrite per batch: stdio writes a large one straight through, where a
  // record at a time would go out in writes of its 4 KiB buffer.
  auto& lines = state.lines;
  lines.clear();
  batch.records.for_each([&](std::string_view data) {
    lines.append(data);
    lines += '\n';
  });
  if (std::fwrite(lines.data(), 1, lines.size(), file) != lines.size() || std::fflush(file) != 0)
    return fail(self, "cannot write " + part_path(state, batch.stream).string());
  part.written += lines.size();
  if (part.written - part.written_out >= write_out_step) {
    start_writing_out(file, part.written_out, part.written - part.written_out);
    part.written_out = part.written;
  }
  return {};
}

// The records of an incremental read follow the stream's earlier ones: the file and
// the part are joined in a new file that then replaces the old one.
bool join_part(const fs::path& whole, const fs::path& part) {
  auto joined = fs::path(whole).concat(".tmp");
  std::error_code error;
  fs::copy_file(whole, joined, fs::copy_options::overwrite_existing, error);
  if (error)
    return false;
  file_ptr out(std::fopen(joined.c_str(), "a"));
  file_ptr in(std::fopen(part.c_str(), "r"));
  char buffer[1 << 16];
  std::size_t read = 0;
  while (out && in && (read = std::fread(buffer, 1, sizeof buffer, in.get())) > 0)
    if (std::fwrite(buffer, 1, read, out.get()) != read)
      return false;
  if (!out || !in || std::ferror(in.get()) || !data_on_disk(out.get()))
    return false;
  out.reset();
  return rename_on_disk(joined, whole) && std::remove(part.c_str()) == 0;
}

// A complete stream's part file becomes DIR/<stream>.jsonl (joined to the file of
// earlier syncs when the read continues them); an incomplete one's goes. The file
// reaches the disk before its name, and its name before the state that says the
// stream is complete: after a power cut, state.json never covers records that are
// not in the file.
sink_reply close_part(jsonl_sink self, const sink_close_stream& close) {
  auto& state = self->state;
  auto part = part_path(state, close.stream);
  if (auto open = state.open_files.find(close.stream); open != state.open_files.end()) {
    bool on_disk = !close.complete || data_on_disk(open->second.file.get());
    int disk_error = errno;
    state.open_files.erase(open); // closes the file
    if (!on_disk) {
      std::remove(part.c_str()); // not a result anyone should take for complete
      errno = disk_error;
      return fail(self, "cannot write " + part.string() + " to disk");
    }
  }
  if (!close.complete) {
    std::remove(part.c_str());
    return {};
  }
  auto whole = state.directory / (close.stream + ".jsonl");
  if (state.appends[close.stream] && fs::exists(whole)) {
    if (!join_part(whole, part))
      return fail(self, "cannot add " + part.string() + " to " + whole.string());
  } else if (!rename_on_disk(part, whole)) {
    return fail(self, "cannot rename " + part.string());
  }
  std::error_code error;
  state.committed_bytes[close.stream] = fs::file_size(whole, error);
  // Test hook (tests/integration/test_moving_listings.py): a crash between the two
  // renames, which the committed length makes harmless.
  if (std::getenv("SOURCE_KLARNA_TEST_JSONL_CRASH_BEFORE_STATE") != nullptr)
    std::raise(SIGKILL);
  return write_states(self);
}

// Streams never closed (the sync stopped early, or failed) leave no part file.
void remove_open_parts(jsonl_sink_state& state) {
  for (auto& [stream, part] : state.open_files) {
    part.file.reset();
    std::remove(part_path(state, stream).c_str());
  }
  state.open_files.clear();
}

sink_actor::behavior_type jsonl_sink_behavior(jsonl_sink self, fs::path directory) {
  messages::exit_on_exception(self);
  self->state.directory = std::move(directory);
  // After a failure every request is answered with it and nothing is written.
  auto unless_failed = [self](auto&& operation) -> sink_reply {
    if (!self->state.failure.empty())
      return {self->state.failure};
    return operation();
  };
  return {
    [=](const sink_open_stream& open) {
      self->state.appends[open.stream] = open.append;
      return unless_failed([&] {
        if (open.append)
          if (auto cut = cut_uncommitted(self, open.stream); !cut.ok())
            return cut;
        return open_part(self, open.stream);
      });
    },
    [=](const sink_restart_stream& restart) {
      return unless_failed([&] { return open_part(self, restart.stream); }); // empties it
    },
    [=](const sink_write_records& batch) {
      return unless_failed([&] { return append_records(self, batch); });
    },
    [=](const sink_checkpoint& checkpoint) {
      self->state.states.on_checkpoint(checkpoint);
      return sink_reply{self->state.failure};
    },
    [=](const sink_close_stream& close) {
      return unless_failed([&] { return close_part(self, close); });
    },
    [=](sink_finish) {
      remove_open_parts(self->state);
      return sink_reply{self->state.failure};
    },
  };
}

} // namespace

sink_actor spawn_jsonl_sink(caf::actor_system& system, const std::string& directory) {
  create_sink_directory(directory, "jsonl:" + directory);
  return system.spawn<caf::detached>(jsonl_sink_behavior, fs::path(directory));
}

namespace {

std::unique_ptr<stores::destination_lock> lock_jsonl_directory(const std::string& directory) {
  return lock_directory(directory, "--sink jsonl:" + directory);
}

const sink_registration registration{{"jsonl", "jsonl:DIR",
                                      "one JSON-lines file per stream and state.json in DIR",
                                      spawn_jsonl_sink, nullptr, lock_jsonl_directory}};

} // namespace

} // namespace klarna::sinks
