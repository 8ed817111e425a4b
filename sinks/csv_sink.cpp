// The example sink of docs/SINKS.md, whole: `--sink csv:DIR` writes each stream to
// DIR/<stream>.csv, a column per top-level field of the stream's schema (objects and
// arrays as their JSON text), a line per record in API order. The sink kit's
// published_files keeps the files whole and their state: a stream's file is written
// as <stream>.csv.part and takes its name only when the stream completes, and
// DIR/state.json lets the next `sync` continue incrementally, adding its records to
// the file. This file is all a new sink needs: the sink kit supplies the actor, and
// the registration at the end puts `csv:DIR` on the command line.

#include "logic/parse/csv_field.hpp"
#include "sinks/published_files.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <vector>

namespace klarna::sinks {

namespace {

using namespace klarna::messages;
using logic::csv_field;

class csv_writer : public record_writer {
public:
  explicit csv_writer(const std::string& directory) : files_(directory, ".csv") {}

  void open(const sink_open_stream& open) override {
    auto& columns = columns_[open.stream];
    columns.clear();
    const auto* schema = open.json_schema.if_object();
    const auto* properties = schema ? schema->if_contains("properties") : nullptr;
    if (properties != nullptr && properties->is_object())
      for (const auto& property : properties->get_object())
        columns.emplace_back(property.key());
    files_.open(open.stream, open.append);
    write_header(open.stream);
  }

  void write(const std::string& stream, const protocol::record_batch& records) override {
    const auto& columns = columns_.at(stream);
    rows_.clear();
    records.for_each([&](std::string_view data) {
      auto record = boost::json::parse(data).as_object();
      for (std::size_t i = 0; i < columns.size(); ++i)
        rows_ += (i == 0 ? "" : ",") + csv_field(record.if_contains(columns[i]));
      rows_ += "\r\n";
    });
    // Handed to the operating system before the reply: the reply is the credit.
    files_.append(stream, rows_);
  }

  // Each stream's final state goes into DIR/state.json once its file is published.
  void checkpoint(const sink_checkpoint& checkpoint) override { files_.on_checkpoint(checkpoint); }

  void restart(const std::string& stream) override {
    files_.restart(stream);
    write_header(stream);
  }

  void close(const sink_close_stream& close) override { files_.close(close.stream, close.complete); }

  void finish() override { files_.finish(); }

private:
  // The header line, unless the part will be added to a file that has one.
  void write_header(const std::string& stream) {
    if (files_.adds_to_file(stream))
      return;
    std::string header;
    for (const auto& column : columns_.at(stream))
      header += (header.empty() ? "" : ",") + csv_field(column);
    files_.append(stream, header + "\r\n");
  }

  published_files files_;
  std::map<std::string, std::vector<std::string>> columns_;
  std::string rows_; // a batch's rows, kept for its capacity
};

sink_actor spawn_csv_sink(caf::actor_system& system, const std::string& directory) {
  // Fail before the sync starts if DIR cannot be used.
  create_sink_directory(directory, "csv:" + directory);
  return spawn_kit_sink(system, std::make_unique<csv_writer>(directory));
}

std::unique_ptr<stores::destination_lock> lock_csv_directory(const std::string& directory) {
  return lock_directory(directory, "--sink csv:" + directory);
}

// saved_states_in reads DIR/state.json: `sync` continues each stream from it.
const sink_registration registration{{"csv", "csv:DIR",
                                      "the example sink of docs/SINKS.md: a CSV file per stream in DIR",
                                      spawn_csv_sink, saved_states_in, lock_csv_directory}};

} // namespace

} // namespace klarna::sinks
