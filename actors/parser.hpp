#pragma once

#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <vector>

namespace klarna::actors {

/// Spawns `count` parsers: each answers a fetched_page with its parse_outcome: the
/// page's record batch (see parse_page), or why the body is not a valid collection,
/// for the fetcher to retry it. Parsing is the CPU-heavy step, so it runs off the I/O thread and in
/// parallel on the scheduler's cores.
std::vector<messages::parser_actor> spawn_parsers(caf::actor_system& system, std::size_t count);

} // namespace klarna::actors
