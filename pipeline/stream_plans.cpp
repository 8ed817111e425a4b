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

std::vector<config::selected_stream> picked_streams(const config::stream_pick& pick) {
  return config::select_streams(pick.streams, pick.mode, config::sync_mode::full_refresh,
                                known_streams());
}

namespace {

// Why `sync` reads `stream` into `sink_uri` in full, or nothing when it may continue.
std::string why_in_full(const protocol::stream_definition& stream, const std::string& sink_uri) {
  if (!stream.supports_incremental())
    return stream.name + " can only be read in full";
  if (!sinks::keeps_state(sink_uri))
    return "the sink " + sink_uri + " keeps no state to continue " + stream.name + " from";
  // A keyed stream's incremental read reads some records again: a sink that only
  // appends would store those twice.
  if (!stream.primary_key.empty() && !sinks::upserts_keyed_records(sink_uri))
    return "the sink " + sink_uri + " only appends, and an incremental read of " + stream.name
           + " reads some records again";
  return {};
}

// The streams `sync` reads and how.
std::vector<config::selected_stream> sync_selection(const config::connector_config& config,
                                                    const config::stream_pick& pick,
                                                    const std::string& sink_uri,
                                                    std::vector<std::string>& left_out) {
  std::vector<config::selected_stream> selected;
  if (!pick.catalog_path.empty())
    selected = config::read_configured_catalog(pick.catalog_path, known_streams());
  else
    selected = config::select_streams(pick.streams, config::mode_choice::as_default,
                                      config::sync_mode::incremental, known_streams());
  std::vector<config::selected_stream> runnable;
  for (auto stream : selected) {
    const auto& definition = *protocol::find_stream(stream.name);
    // Every stream by default: one that cannot run with this config is left out.
    if (pick.catalog_path.empty() && pick.streams.empty()
        && definition.incremental == protocol::incremental_by::month && !config.start_date) {
      left_out.push_back(stream.name + ": it needs start_date in the config");
      tell_user("not syncing " + left_out.back());
      continue;
    }
    auto in_full = why_in_full(definition, sink_uri);
    if (pick.mode == config::mode_choice::incremental && !in_full.empty())
      throw config::input_error("--incremental: " + in_full
                                + "; leave --incremental out to read it in full");
    bool asked = stream.mode == config::sync_mode::incremental;
    if (asked && !in_full.empty() && pick.mode != config::mode_choice::full_refresh
        && (!pick.catalog_path.empty() || sinks::keeps_state(sink_uri)))
      tell_user("reading " + stream.name + " in full: " + in_full);
    if (pick.mode == config::mode_choice::full_refresh || !in_full.empty())
      stream.mode = config::sync_mode::full_refresh;
    runnable.push_back(stream);
  }
  return runnable;
}

} // namespace

sync_plan plan_sync(const config::connector_config& config, const config::stream_pick& pick,
                    const std::string& sink_uri) {
  sync_plan plan;
  auto saved = sinks::saved_states_of(sink_uri);
  auto selected = sync_selection(config, pick, sink_uri, plan.left_out);
  boost::json::array messages;
  for (const auto& [stream, state] : saved)
    messages.push_back(
      config::parse_json_text(state.message, "the state the sink keeps of '" + stream + "'"));
  plan.streams = plan_streams(config, selected, config::parse_input_state(messages));
  for (auto& stream : plan.streams) {
    auto found = saved.find(stream.definition->name);
    stream.resume_in_sink = found != saved.end() && found->second.cut
                            && stream.start.resumes_cut_read();
    // An incremental read of transactions follows the payouts: those not paid out yet
    // have none.
    if (stream.start.per_payout)
      plan.left_out.push_back(
        stream.definition->name
        + " not yet paid out: they arrive with their payout; --full-refresh reads them now");
  }
  return plan;
}

} // namespace klarna::pipeline
