#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <vector>

namespace klarna::actors {

/// Spawns `count` parsers: each turns a fetched_page into page_ready (a record
/// batch, see parse_page) sent to the page's planner, or a body that is not a valid collection back to the fetcher as
/// unusable_page. Parsing is the CPU-heavy step, so it runs off the I/O thread and in
/// parallel on the scheduler's cores.
std::vector<caf::actor> spawn_parsers(caf::actor_system& system, std::size_t count);

} // namespace klarna::actors
