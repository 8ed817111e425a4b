#pragma once

// What each selected stream reads in this run: its sync mode from the catalog, its
// start from the config and the input state (logic::plan_stream_start).

#include "actors/emitter.hpp"
#include "config/configured_catalog.hpp"
#include "config/state_input.hpp"
#include "config/stream_selection.hpp"

#include <string>
#include <vector>

namespace klarna::config {
struct connector_config;
}

namespace klarna::pipeline {

/// Every stream this source has, for the catalog's validation.
std::vector<config::known_stream> known_streams();

/// The selected streams with their starts. Throws config::input_error naming the
/// stream's state when it is not one this connector wrote, or a stream that needs
/// a config field that is not set (payout_summaries needs start_date).
std::vector<actors::emitted_stream> plan_streams(const config::connector_config& config,
                                                 const std::vector<config::selected_stream>& selected,
                                                 const config::input_state& state);

/// What `read` reads without a catalog: the streams `pick` names (all when none),
/// in full unless --incremental. Throws config::input_error.
std::vector<config::selected_stream> picked_streams(const config::stream_pick& pick);

/// What a sync reads, and the streams it leaves out with why ("payout_summaries: it
/// needs start_date in the config").
struct sync_plan {
  std::vector<actors::emitted_stream> streams;
  std::vector<std::string> left_out;
};

/// What `sync` reads: the catalog's streams, or those `pick` names (all that can
/// run when none), incremental where the sink keeps state to continue from (keyed
/// streams only into a sink that upserts them) unless --full-refresh; --incremental
/// refuses a stream that would be read in full, saying why. Each continues from the
/// state the sink keeps; streams the sink has the cut checkpoint of resume into
/// what it kept. Throws config::input_error.
sync_plan plan_sync(const config::connector_config& config, const config::stream_pick& pick,
                    const std::string& sink_uri);

} // namespace klarna::pipeline
