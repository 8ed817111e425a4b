#pragma once

#include "pipeline/messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// Spawns the JSON-lines sink (`--sink jsonl:DIR`): each stream's records, one JSON
/// object per line exactly as Klarna sent them, in DIR/<stream>.jsonl, published
/// whole when the stream completes, with DIR/state.json holding the Airbyte state
/// of the completed streams (sinks/published_files.hpp: `sync` continues from it).
/// DIR is created if needed. Runs on the sink kit, detached: file writes block.
messages::sink_actor spawn_jsonl_sink(caf::actor_system& system, const std::string& directory);

} // namespace klarna::sinks
