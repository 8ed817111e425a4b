#pragma once

// The sink kit's part for sinks that write a file per stream (JSON lines, CSV): the
// files, published whole, and the state that lets `sync` continue from them.
//
// A stream's records go to DIR/<stream><ext>.part. When the stream completes, the
// part becomes DIR/<stream><ext>: renamed, or added to the file of earlier syncs when
// the read continues them. Each step reaches the disk before the next (the part's
// data, then its name), and only then does the stream's final state join
// DIR/state.json, with the file's length: after a power cut, state.json never
// covers records the file lacks. A file longer than its state says (a crash between
// the rename and the state) is cut back to that length before records are added, so
// none is in it twice. An incomplete stream's part is removed: a published file is
// always whole streams.
//
// A sink whose registration names saved_states_in as its saved_states reader gets
// incremental syncs: `sync` reads state.json and continues each stream from it.

#include "pipeline/messages/sink_contract.hpp"
#include "stores/table_store.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace klarna::sinks {

class published_files {
public:
  /// Files DIR/<stream>`extension` in `directory`, which must exist; reads the
  /// states DIR/state.json holds, which stay for the streams this sync leaves alone.
  published_files(std::filesystem::path directory, std::string extension);
  ~published_files();
  published_files(const published_files&) = delete;
  published_files& operator=(const published_files&) = delete;

  /// A stream begins: an empty part file. With `append` (the read continues an
  /// earlier sync) the part will be added to the stream's file, which is first cut
  /// back to the length its state recorded.
  void open(const std::string& stream, bool append);

  /// True when the stream's part will be added to an existing file (so a sink with
  /// a header line leaves it out of the part).
  bool adds_to_file(const std::string& stream) const;

  /// Appends `bytes` to the stream's part; returns once they are handed to the
  /// operating system.
  void append(const std::string& stream, std::string_view bytes);

  /// The stream's records come again from the first: its part starts over.
  void restart(const std::string& stream);

  /// Keeps the stream's final checkpoint for state.json.
  void on_checkpoint(const messages::sink_checkpoint& checkpoint);

  /// The stream ended: complete, its part is published and its state written;
  /// otherwise the part is removed.
  void close(const std::string& stream, bool complete);

  /// The sync ends: parts of streams never closed are removed (also when this
  /// object goes, so a sink that failed or was stopped leaves none).
  void finish();

  /// Where the stream's records go while it runs, and once it is published.
  std::filesystem::path part_path(const std::string& stream) const;
  std::filesystem::path file_path(const std::string& stream) const;

private:
  struct part;
  void publish(const std::string& stream, part& open);
  void write_states();

  std::filesystem::path directory_;
  std::string extension_;
  std::map<std::string, std::unique_ptr<part>> parts_;
  /// State messages (AirbyteStateMessage text) by stream: those read from
  /// state.json, replaced as streams are published.
  std::map<std::string, std::string> states_;
  /// Records of each stream's checkpoints, and its final checkpoint's stream_state.
  std::map<std::string, std::uint64_t> records_;
  std::map<std::string, boost::json::object> final_states_;
};

/// The states DIR/state.json holds, by stream (a sink_kind's saved_states reader);
/// empty when there is no such file.
std::map<std::string, stores::saved_state> saved_states_in(const std::string& directory);

} // namespace klarna::sinks
