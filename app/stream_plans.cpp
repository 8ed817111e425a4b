#include "app/stream_plans.hpp"

#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "protocol/stream_catalog.hpp"
#include "protocol/stream_state.hpp"

namespace klarna::app {

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
  }
  return streams;
}

} // namespace klarna::app
