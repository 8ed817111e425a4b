#pragma once

#include "logic/plan/stream_start.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
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
  /// Record lines this stream may have handed to the emitter and not seen written:
  /// past this, no page is requested until the sink writes some (pages differ in
  /// size by orders of magnitude; a page larger than the bound still passes whole).
  std::uint64_t held_bytes_limit = std::numeric_limits<std::uint64_t>::max();
  /// The same two bounds while a page of the stream is being retried (the fetcher
  /// said page_retrying and it has not arrived): the pages after it cannot be
  /// written until it comes, so fetching goes on further instead of draining the
  /// pipe. At least `credits` and `held_bytes_limit`.
  std::uint64_t retry_credits = 0;
  std::uint64_t retry_held_bytes_limit = 0;
  /// Test hook: after this many pages (0: never) the planner throws, as a defect
  /// would make it, so that supervision can be checked end to end.
  std::uint64_t throw_after_pages = 0;
};

/// Spawns the planner of one stream. It drives a logic::page_source (one listing,
/// or per payout for incremental transactions): on start_atom it asks `fetcher` for
/// the first pages (fetch_page requests, answered with each page's records or why it
/// cannot be had), then schedules a page only while it holds a credit and the
/// pages it received and has not seen written are within held_bytes_limit (or the
/// source may borrow one). Parsed pages go to `emitter` as page_records requests,
/// whose answer, page_credit, comes once the sink has written the page and returns
/// both; stream_finished or stream_failed follow the last. While the fetcher
/// retries one of its pages (page_retrying) the larger retry bounds hold. The
/// source's warnings go to `reporter` as WARN logs.
messages::planner_actor spawn_stream_planner(caf::actor_system& system,
                                             planner_settings settings,
                                             const messages::fetcher_actor& fetcher,
                                             const messages::emitter_actor& emitter,
                                             const messages::reporter_actor& reporter);

} // namespace klarna::actors
