#include "sinks/count_sink.hpp"

#include "config/input_error.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;

struct stream_count {
  std::string name;
  std::uint64_t records = 0;
  bool complete = false;
};

// Counts each stream's records; writes FILE when the sync finishes.
class count_writer : public record_writer {
public:
  explicit count_writer(std::string path) : path_(std::move(path)) {}

  void open(const sink_open_stream& open) override { streams_.push_back({open.stream}); }

  void write(const std::string& stream, const protocol::record_batch& records) override {
    // A real sink makes the records durable here: returning is the credit for one
    // more page.
    find(stream).records += records.size();
  }

  void restart(const std::string& stream) override { find(stream).records = 0; }

  void close(const sink_close_stream& close) override { find(close.stream).complete = close.complete; }

  // Writes FILE through a temporary name, so a reader never sees half of it.
  void finish() override {
    auto temporary = path_ + ".tmp";
    {
      std::ofstream out(temporary, std::ios::trunc);
      for (const auto& stream : streams_)
        out << stream.name << ' ' << stream.records << ' '
            << (stream.complete ? "complete" : "incomplete") << '\n';
      if (!out.flush())
        throw std::runtime_error("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("cannot rename " + temporary + " to " + path_);
  }

private:
  stream_count& find(const std::string& name) {
    for (auto& stream : streams_)
      if (stream.name == name)
        return stream;
    throw std::logic_error("stream " + name + " was not opened");
  }

  std::string path_;
  std::vector<stream_count> streams_; // in the order they were opened
};

const sink_registration registration{
  {"count", "count:FILE", "the example sink of docs/SINKS.md: records per stream into FILE",
   spawn_count_sink}};

} // namespace

sink_actor spawn_count_sink(caf::actor_system& system, const std::string& path) {
  // Fail before the sync starts if FILE cannot be written.
  std::ofstream probe(path + ".tmp");
  if (!probe)
    throw config::input_error("--sink count:" + path + ": cannot write " + path + ".tmp");
  return spawn_kit_sink(system, std::make_unique<count_writer>(path));
}

} // namespace klarna::sinks
