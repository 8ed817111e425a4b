#include "sinks/published_files.hpp"

#include "config/input_error.hpp"
#include "protocol/airbyte_messages.hpp"
#include "stores/durable_files.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace klarna::sinks {

namespace fs = std::filesystem;
using stores::data_on_disk;
using stores::rename_on_disk;

namespace {

// A part's data goes to the disk in steps of this size while the file grows: a sync
// held to Klarna's budget leaves the disk idle, and the wait for all the data when
// the stream completes was 1.7 s for 1,000,000 records.
constexpr std::uint64_t write_out_step = 16 << 20;

// The member of a stream's state in state.json that holds its file's length
// (jsonl_committed_bytes in the files of earlier versions).
constexpr const char* committed_key = "committed_bytes";
constexpr const char* legacy_committed_key = "jsonl_committed_bytes";

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// The stream an AirbyteStateMessage of type STREAM is about, or empty.
std::string stream_of(const boost::json::value& message) {
  const auto* state = message.is_object() ? message.get_object().if_contains("stream") : nullptr;
  const auto* descriptor =
    state && state->is_object() ? state->get_object().if_contains("stream_descriptor") : nullptr;
  const auto* name =
    descriptor && descriptor->is_object() ? descriptor->get_object().if_contains("name") : nullptr;
  return name && name->is_string() ? std::string(name->get_string()) : std::string();
}

// The state messages of DIR/state.json by stream; none when it does not exist.
// Throws config::input_error when it is not a list of stream states.
std::map<std::string, boost::json::value> read_states(const fs::path& directory) {
  auto path = directory / "state.json";
  std::map<std::string, boost::json::value> states;
  std::ifstream in(path);
  if (!in)
    return states;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  auto messages = boost::json::parse(text, ec);
  if (ec || !messages.is_array())
    throw config::input_error(path.string()
                              + " is not a list of Airbyte state messages; remove it to sync "
                                "every stream from the start");
  for (auto& message : messages.get_array()) {
    auto stream = stream_of(message);
    if (stream.empty())
      throw config::input_error(path.string() + " holds a state that names no stream; remove it to "
                                                "sync every stream from the start");
    states[stream] = std::move(message);
  }
  return states;
}

// The file length a stream's state message recorded.
std::optional<std::uintmax_t> committed_length(const std::string& message_text) {
  auto message = boost::json::parse(message_text);
  const auto* stream_state = message.at("stream").as_object().if_contains("stream_state");
  if (stream_state == nullptr || !stream_state->is_object())
    return std::nullopt;
  for (const char* key : {committed_key, legacy_committed_key}) {
    const auto* bytes = stream_state->get_object().if_contains(key);
    if (bytes != nullptr && bytes->is_int64() && bytes->get_int64() >= 0)
      return static_cast<std::uintmax_t>(bytes->get_int64());
  }
  return std::nullopt;
}

// Adds `part` to `whole` in a copy that then replaces it, so `whole` is never half
// joined.
void join(const fs::path& whole, const fs::path& part) {
  auto joined = fs::path(whole).concat(".tmp");
  std::error_code error;
  fs::copy_file(whole, joined, fs::copy_options::overwrite_existing, error);
  if (error) {
    errno = error.value();
    fail("cannot copy " + whole.string());
  }
  file_ptr out(std::fopen(joined.c_str(), "a"));
  file_ptr in(std::fopen(part.c_str(), "r"));
  char buffer[1 << 16];
  std::size_t read = 0;
  while (out && in && (read = std::fread(buffer, 1, sizeof buffer, in.get())) > 0)
    if (std::fwrite(buffer, 1, read, out.get()) != read)
      fail("cannot add " + part.string() + " to " + joined.string());
  if (!out || !in || std::ferror(in.get()) || !data_on_disk(out.get()))
    fail("cannot add " + part.string() + " to " + joined.string());
  out.reset();
  if (!rename_on_disk(joined, whole))
    fail("cannot rename " + joined.string());
  std::remove(part.c_str());
}

} // namespace

struct published_files::part {
  file_ptr file;
  bool adds_to_file = false;
  std::uint64_t written = 0;     // bytes
  std::uint64_t written_out = 0; // of them, handed to the disk
};

published_files::published_files(fs::path directory, std::string extension)
  : directory_(std::move(directory)), extension_(std::move(extension)) {
  for (const auto& [stream, message] : read_states(directory_))
    states_[stream] = boost::json::serialize(message);
}

// A sink that failed runs no more hooks, and one that is stopped early gets no
// close: parts of streams never closed go when it does.
published_files::~published_files() { finish(); }

fs::path published_files::part_path(const std::string& stream) const {
  return directory_ / (stream + extension_ + ".part");
}

fs::path published_files::file_path(const std::string& stream) const {
  return directory_ / (stream + extension_);
}

void published_files::open(const std::string& stream, bool append) {
  auto whole = file_path(stream);
  std::error_code error;
  bool exists = fs::exists(whole, error);
  // Records past the length the last state recorded came from a sync that stopped
  // between renaming the file and writing the state; the state given to this read
  // does not cover them, so it brings them again: they go first.
  auto known = states_.find(stream);
  auto committed = known == states_.end() ? std::nullopt : committed_length(known->second);
  if (append && exists && committed && fs::file_size(whole, error) > *committed && !error) {
    fs::resize_file(whole, *committed, error);
    if (error) {
      errno = error.value();
      fail("cannot cut " + whole.string() + " back to its committed length");
    }
  }
  auto entry = std::make_unique<part>();
  entry->adds_to_file = append && exists;
  parts_[stream] = std::move(entry);
  restart(stream);
}

bool published_files::adds_to_file(const std::string& stream) const {
  return parts_.at(stream)->adds_to_file;
}

void published_files::restart(const std::string& stream) {
  auto& open = *parts_.at(stream);
  auto path = part_path(stream);
  open.file.reset(std::fopen(path.c_str(), "w"));
  if (!open.file)
    fail("cannot create " + path.string());
  open.written = open.written_out = 0;
}

void published_files::append(const std::string& stream, std::string_view bytes) {
  auto found = parts_.find(stream);
  if (found == parts_.end())
    throw std::logic_error("stream " + stream + " was not opened");
  auto& open = *found->second;
  std::FILE* file = open.file.get();
  // One fwrite per batch: stdio writes a large one straight through, where a record
  // at a time would go out in writes of its 4 KiB buffer.
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() || std::fflush(file) != 0)
    fail("cannot write " + part_path(stream).string());
  open.written += bytes.size();
  if (open.written - open.written_out >= write_out_step) {
    stores::start_writing_out(file, open.written_out, open.written - open.written_out);
    open.written_out = open.written;
  }
}

void published_files::on_checkpoint(const messages::sink_checkpoint& checkpoint) {
  records_[checkpoint.stream] += checkpoint.record_count;
  if (checkpoint.final)
    final_states_[checkpoint.stream] = checkpoint.stream_state;
}

void published_files::close(const std::string& stream, bool complete) {
  auto found = parts_.find(stream);
  if (found == parts_.end())
    return;
  auto open = std::move(found->second);
  parts_.erase(found);
  if (complete) {
    publish(stream, *open);
    return;
  }
  open->file.reset();
  std::remove(part_path(stream).c_str()); // not a result anyone should take for complete
}

void published_files::publish(const std::string& stream, part& open) {
  auto part = part_path(stream);
  auto whole = file_path(stream);
  if (!data_on_disk(open.file.get())) {
    int disk_error = errno;
    open.file.reset();
    std::remove(part.c_str());
    errno = disk_error;
    fail("cannot write " + part.string() + " to disk");
  }
  open.file.reset();
  if (open.adds_to_file)
    join(whole, part);
  else if (!rename_on_disk(part, whole))
    fail("cannot rename " + part.string());
  std::error_code error;
  auto bytes = fs::file_size(whole, error);
  // Test hook (tests/integration/test_moving_listings.py): a crash between the file's
  // rename and the state's, which the committed length makes harmless.
  if (std::getenv("SOURCE_KLARNA_TEST_JSONL_CRASH_BEFORE_STATE") != nullptr)
    std::raise(SIGKILL);
  auto final = final_states_.find(stream);
  if (final == final_states_.end())
    return; // no final checkpoint: nothing to continue from
  auto stream_state = final->second;
  stream_state[committed_key] = bytes;
  states_[stream] = protocol::stream_state_json(stream, stream_state, records_[stream]);
  write_states();
}

void published_files::write_states() {
  std::string text = "[";
  for (const auto& [stream, message] : states_)
    text += (text.size() > 1 ? "," : "") + message;
  text += "]\n";
  auto temporary = directory_ / "state.json.tmp";
  file_ptr out(std::fopen(temporary.c_str(), "w"));
  if (!out || std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()
      || !data_on_disk(out.get()))
    fail("cannot write " + temporary.string());
  out.reset();
  if (!rename_on_disk(temporary, directory_ / "state.json"))
    fail("cannot rename " + temporary.string());
}

void published_files::finish() {
  for (auto& [stream, open] : parts_) {
    open->file.reset();
    std::remove(part_path(stream).c_str());
  }
  parts_.clear();
}

std::map<std::string, stores::saved_state> saved_states_in(const std::string& directory) {
  std::map<std::string, stores::saved_state> saved;
  for (const auto& [stream, message] : read_states(directory))
    saved[stream] = {boost::json::serialize(message), false};
  return saved;
}

} // namespace klarna::sinks
