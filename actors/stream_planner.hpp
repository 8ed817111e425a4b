#pragma once

#include "logic/stream_start.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::actors {

/// What a planner needs to know about its stream.
struct planner_settings {
  std::size_t stream_index = 0;
  const protocol::stream_definition* definition = nullptr;
  std::string api_base_url;
  int page_size = 0;
  /// The listing to read: its start_date filter and where a cut read stopped.
  logic::stream_start start;
  /// Pages this stream may have fetched but not yet written (its credits).
  std::uint64_t credits = 0;
};

/// Spawns the planner of one stream. On start_atom it asks `fetcher` for page 0,
/// then plans the rest (pagination_plan) and schedules a page only while it holds a
/// credit; page_credit from `emitter` returns credits. Parsed pages go to `emitter`
/// as page_records, followed by stream_finished or stream_failed. A resumed listing
/// whose total is no longer the one it was cut at is read again from offset 0,
/// with a WARN (the offsets no longer mean the same records).
caf::actor spawn_stream_planner(caf::actor_system& system, planner_settings settings,
                                const caf::actor& fetcher, const caf::actor& emitter);

} // namespace klarna::actors
