#include "config/configured_catalog.hpp"

#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace klarna::config {

std::string names_of(const std::vector<known_stream>& streams) {
  std::string out;
  for (const auto& stream : streams)
    out += (out.empty() ? "" : ", ") + stream.name;
  return out;
}

namespace {

// What to do with discover's output where a configured catalog belongs.
const char* const discover_output_advice =
  "that is discover's output (an AirbyteCatalog: the streams there are), not a configured "
  "catalog (a ConfiguredAirbyteCatalog: the streams to read, each as {\"stream\": {...}, "
  "\"sync_mode\": ...}). Write one with 'source-klarna catalog --streams "
  "payouts,transactions > catalog.json', or pass --streams instead of --catalog";

} // namespace

const char* to_string(sync_mode mode) {
  return mode == sync_mode::incremental ? "incremental" : "full_refresh";
}

std::vector<selected_stream> parse_configured_catalog(const boost::json::value& json,
                                                      const std::vector<known_stream>& known) {
  if (!json.is_object())
    throw input_error(std::string("catalog must be a JSON object with a 'streams' array, got ")
                      + json_type_name(json));
  if (auto* type = json.get_object().if_contains("type");
      type != nullptr && type->is_string() && type->get_string() == "CATALOG")
    throw input_error(std::string("catalog: ") + discover_output_advice);
  auto* streams = json.get_object().if_contains("streams");
  if (streams == nullptr || !streams->is_array())
    throw input_error("catalog must have a 'streams' array");
  if (streams->get_array().empty())
    throw input_error("catalog selects no streams; select at least one of: " + names_of(known));
  std::vector<selected_stream> selected;
  std::size_t index = 0;
  for (const auto& entry : streams->get_array()) {
    const std::string where = "catalog streams[" + std::to_string(index++) + "]";
    if (!entry.is_object())
      throw input_error(where + " must be an object");
    auto* stream = entry.get_object().if_contains("stream");
    if (stream == nullptr && entry.get_object().contains("name")
        && entry.get_object().contains("json_schema"))
      throw input_error(where + " is a stream of discover's catalog: " + discover_output_advice);
    if (stream == nullptr || !stream->is_object())
      throw input_error(where + " must have a 'stream' object");
    auto* name = stream->get_object().if_contains("name");
    if (name == nullptr || !name->is_string())
      throw input_error(where + ".stream.name must be a string");
    std::string stream_name(name->get_string());
    auto stream_entry = std::find_if(known.begin(), known.end(),
                                     [&](const known_stream& s) { return s.name == stream_name; });
    if (stream_entry == known.end())
      throw input_error(where + " names unknown stream '" + stream_name
                        + "'; this source has: " + names_of(known));
    std::string mode = "full_refresh";
    if (auto* requested = entry.get_object().if_contains("sync_mode")) {
      if (!requested->is_string())
        throw input_error(where + ".sync_mode must be a string");
      mode = std::string(requested->get_string());
    }
    if (mode != "full_refresh" && !(mode == "incremental" && stream_entry->incremental))
      throw input_error(where + " asks for sync_mode '" + mode + "' for stream '" + stream_name
                        + "'; it supports "
                        + (stream_entry->incremental ? "full_refresh and incremental"
                                                     : "only full_refresh"));
    for (const auto& earlier : selected)
      if (earlier.name == stream_name)
        throw input_error(where + " selects stream '" + stream_name + "' a second time");
    selected.push_back(
      {stream_name, mode == "incremental" ? sync_mode::incremental : sync_mode::full_refresh});
  }
  return selected;
}

std::vector<selected_stream> read_configured_catalog(const std::string& path,
                                                     const std::vector<known_stream>& known) {
  auto json = read_json_file(path, "catalog");
  try {
    return parse_configured_catalog(json, known);
  } catch (const input_error& e) {
    throw input_error(std::string(e.what()) + " (in catalog file '" + path + "')");
  }
}

} // namespace klarna::config
