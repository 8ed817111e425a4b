#include "pipeline/stream_plans.hpp"

#include "pipeline/tell_user.hpp"
#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"
#include "protocol/stream_catalog.hpp"
#include "protocol/stream_state.hpp"
#include "sinks/sink_registry.hpp"

#include <boost/json/array.hpp>

#include <ctime>

namespace klarna::pipeline {

std::vector<config::known_stream> known_streams() {
  std::vector<config::known_stream> known;
  for (const auto& stream : protocol::all_streams())
    known.push_back({stream.name, stream.supports_incremental()});
  return known;
}

std::vector<actors::emitted_stream> plan_streams(const config::connector_config& config,
                                                 const std::vector<config::selected_stream>& selected,
                                                 const config::input_state& state) {
  std::vector<actors::emitted_stream> streams;
  auto read_begins = std::time(nullptr);
  for (const auto& choice : selected) {
    const auto* definition = protocol::find_stream(choice.name);
    if (definition->incremental == protocol::incremental_by::month && !config.start_date)
      throw config::input_error("stream '" + choice.name
                                + "' needs 'start_date' in the config: Klarna's /payouts/summary "
                                  "answers for a date range, read month by month from it");
    protocol::stream_progress previous;
    if (auto found = state.find(choice.name); found != state.end())
      previous =
        protocol::from_stream_state(found->second, "the state of stream '" + choice.name + "'");
    streams.push_back(
      {definition, logic::plan_stream_start(*definition,
                                            choice.mode == config::sync_mode::incremental,
                                            config.start_date, config.lookback_window_days,
                                            previous)});
    auto& start = streams.back().start;
    auto listing_from = config::parse_iso8601_epoch_seconds(start.listing_start.value_or(""));
    if (!listing_from || *listing_from <= read_begins)
      start.listing_end = config::format_iso8601_utc(read_begins);
  }
  return streams;
}

namespace {

// Every stream that can run with this config, in the mode `sync` reads it: into a
// sink that appends (`upserts` false), keyed streams in full, since their incremental
// reads read some records again.
std::vector<config::selected_stream> default_selection(const config::connector_config& config,
                                                       bool incremental, bool upserts) {
  std::vector<config::selected_stream> selected;
  for (const auto& stream : protocol::all_streams()) {
    if (stream.incremental == protocol::incremental_by::month && !config.start_date) {
      tell_user("not syncing " + stream.name + ": it needs start_date in the config");
      continue;
    }
    bool continues = incremental && stream.supports_incremental()
                     && (upserts || stream.primary_key.empty());
    selected.push_back(
      {stream.name, continues ? config::sync_mode::incremental : config::sync_mode::full_refresh});
  }
  return selected;
}

} // namespace

std::vector<actors::emitted_stream> plan_sync(const config::connector_config& config,
                                              const std::string& catalog_path,
                                              const std::string& sink_uri, bool full_refresh) {
  auto saved = sinks::saved_states_of(sink_uri);
  bool keeps_state = sinks::keeps_state(sink_uri);
  auto selected = catalog_path.empty()
                    ? default_selection(config, keeps_state && !full_refresh,
                                        sinks::upserts_keyed_records(sink_uri))
                    : config::read_configured_catalog(catalog_path, known_streams());
  if (full_refresh)
    for (auto& stream : selected)
      stream.mode = config::sync_mode::full_refresh;
  boost::json::array messages;
  for (const auto& [stream, state] : saved)
    messages.push_back(
      config::parse_json_text(state.message, "the state the sink keeps of '" + stream + "'"));
  auto streams = plan_streams(config, selected, config::parse_input_state(messages));
  for (auto& stream : streams) {
    auto found = saved.find(stream.definition->name);
    stream.resume_in_sink = found != saved.end() && found->second.cut
                            && stream.start.resumes_cut_read();
  }
  return streams;
}

} // namespace klarna::pipeline
