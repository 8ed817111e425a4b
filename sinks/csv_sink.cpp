// The example sink of docs/SINKS.md, whole: `--sink csv:DIR` writes each stream to
// DIR/<stream>.csv, a column per top-level field of the stream's schema (objects and
// arrays as their JSON text), a line per record in API order. A stream's file is
// written as <stream>.csv.part and takes its name only when the stream completes, so
// a .csv file is always a whole stream; an incremental read adds its records to it.
// This file is all a new sink needs: the sink kit supplies the actor, and the
// registration at the end puts `csv:DIR` on the command line.

#include "logic/csv_field.hpp"
#include "sinks/sink_kit.hpp"
#include "sinks/sink_registry.hpp"

#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

namespace klarna::sinks {

namespace {

namespace fs = std::filesystem;
using namespace klarna::messages;

using logic::csv_field;

struct csv_stream {
  std::vector<std::string> columns;
  std::ofstream part;
  bool append = false;
};

class csv_writer : public record_writer {
public:
  explicit csv_writer(fs::path directory) : directory_(std::move(directory)) {}

  void open(const sink_open_stream& open) override {
    auto& stream = streams_[open.stream];
    stream.columns.clear();
    const auto* schema = open.json_schema.if_object();
    const auto* properties = schema ? schema->if_contains("properties") : nullptr;
    if (properties != nullptr && properties->is_object())
      for (const auto& property : properties->get_object())
        stream.columns.emplace_back(property.key());
    stream.append = open.append;
    start_part(open.stream, stream);
  }

  void write(const std::string& name, const protocol::record_batch& records) override {
    auto& stream = streams_.at(name);
    records.for_each([&](std::string_view data) {
      auto record = boost::json::parse(data).as_object();
      std::string line;
      for (std::size_t i = 0; i < stream.columns.size(); ++i)
        line += (i == 0 ? "" : ",") + csv_field(record.if_contains(stream.columns[i]));
      stream.part << line << "\r\n";
    });
    // Handed to the operating system before the reply: the reply is the credit.
    if (!stream.part.flush())
      throw std::runtime_error("cannot write " + part_path(name).string() + ": "
                               + std::strerror(errno));
  }

  void restart(const std::string& name) override { start_part(name, streams_.at(name)); }

  void close(const sink_close_stream& close) override {
    auto& stream = streams_.at(close.stream);
    stream.part.close();
    auto part = part_path(close.stream);
    if (!close.complete) { // never presented as a finished result
      fs::remove(part);
      return;
    }
    auto whole = directory_ / (close.stream + ".csv");
    if (stream.append && fs::exists(whole)) {
      std::ifstream rows(part, std::ios::binary);
      std::string header;
      std::getline(rows, header); // the file has its header already
      std::ofstream out(whole, std::ios::binary | std::ios::app);
      out << rows.rdbuf();
      if (!out.flush())
        throw std::runtime_error("cannot add to " + whole.string());
      fs::remove(part);
    } else {
      fs::rename(part, whole);
    }
  }

private:
  fs::path part_path(const std::string& name) const { return directory_ / (name + ".csv.part"); }

  // A fresh part file with the header line.
  void start_part(const std::string& name, csv_stream& stream) {
    stream.part = std::ofstream(part_path(name), std::ios::binary | std::ios::trunc);
    std::string header;
    for (const auto& column : stream.columns)
      header += (header.empty() ? "" : ",") + csv_field(column);
    stream.part << header << "\r\n";
    if (!stream.part.flush())
      throw std::runtime_error("cannot write " + part_path(name).string() + ": "
                               + std::strerror(errno));
  }

  fs::path directory_;
  std::map<std::string, csv_stream> streams_;
};

sink_actor spawn_csv_sink(caf::actor_system& system, const std::string& directory) {
  // Fail before the sync starts if DIR cannot be used.
  create_sink_directory(directory, "csv:" + directory);
  return spawn_kit_sink(system, std::make_unique<csv_writer>(directory));
}

std::unique_ptr<stores::destination_lock> lock_csv_directory(const std::string& directory) {
  return lock_directory(directory, "--sink csv:" + directory);
}

const sink_registration registration{{"csv", "csv:DIR",
                                      "the example sink of docs/SINKS.md: a CSV file per stream in DIR",
                                      spawn_csv_sink, nullptr, lock_csv_directory}};

} // namespace

} // namespace klarna::sinks
