#include "sinks/jsonl_sink.hpp"

#include "sinks/published_files.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"

namespace klarna::sinks {

namespace {

using namespace klarna::messages;

// Each record's JSON, exactly as Klarna sent it, on a line of its own; the files and
// their state are published_files'.
class jsonl_writer : public record_writer {
public:
  explicit jsonl_writer(const std::string& directory) : files_(directory, ".jsonl") {}

  void open(const sink_open_stream& open) override { files_.open(open.stream, open.append); }

  void write(const std::string& stream, const protocol::record_batch& records) override {
    lines_.clear(); // kept for its capacity
    records.for_each([&](std::string_view record) {
      lines_.append(record);
      lines_ += '\n';
    });
    files_.append(stream, lines_);
  }

  void checkpoint(const sink_checkpoint& checkpoint) override { files_.on_checkpoint(checkpoint); }

  void restart(const std::string& stream) override { files_.restart(stream); }

  void close(const sink_close_stream& close) override { files_.close(close.stream, close.complete); }

  void finish() override { files_.finish(); }

private:
  published_files files_;
  std::string lines_;
};

std::unique_ptr<stores::destination_lock> lock_jsonl_directory(const std::string& directory) {
  return lock_directory(directory, "--sink jsonl:" + directory);
}

const sink_registration registration{{"jsonl", "jsonl:DIR",
                                      "one JSON-lines file per stream and state.json in DIR",
                                      spawn_jsonl_sink, saved_states_in, lock_jsonl_directory}};

} // namespace

sink_actor spawn_jsonl_sink(caf::actor_system& system, const std::string& directory) {
  create_sink_directory(directory, "jsonl:" + directory);
  return spawn_kit_sink(system, std::make_unique<jsonl_writer>(directory));
}

} // namespace klarna::sinks
