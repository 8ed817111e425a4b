#pragma once

// What each selected stream reads in this run: its sync mode from the catalog, its
// start from the config and the input state (logic::plan_stream_start).

#include "actors/emitter.hpp"
#include "config/configured_catalog.hpp"
#include "config/state_input.hpp"

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

/// What `sync` reads: the selected streams (all that can run when `catalog_path` is
/// empty: incremental where the sink keeps state to continue from, unless
/// `full_refresh`; keyed streams only into a sink that upserts them), each from the
/// state the sink keeps. Streams the sink has the
/// cut checkpoint of resume into what it kept. Throws config::input_error.
std::vector<actors::emitted_stream> plan_sync(const config::connector_config& config,
                                              const std::string& catalog_path,
                                              const std::string& sink_uri, bool full_refresh);

} // namespace klarna::pipeline
