#pragma once

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace klarna::sinks {

/// Spawns the JSON-lines sink (`--sink jsonl:DIR`): each stream's records, one JSON
/// object per line exactly as Klarna sent them, go to DIR/<stream>.jsonl.part and
/// the file is renamed to DIR/<stream>.jsonl when the stream completes (an
/// incomplete stream's part file is removed, so a .jsonl file is always a whole
/// stream). DIR/state.json holds the Airbyte state of the completed streams. DIR is
/// created if needed. Runs detached: file writes block.
messages::sink_actor spawn_jsonl_sink(caf::actor_system& system, const std::string& directory);

} // namespace klarna::sinks
