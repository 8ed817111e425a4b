#pragma once

#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

namespace klarna::actors {

/// Spawns a parser of `fetcher`'s (which spawns its own): it answers a fetched_page,
/// a request the fetcher delegates to it, with the page's record batch (see
/// parse_page), so the answer goes straight to whoever asked the fetcher for the
/// page. A body that is not a valid collection goes back to `fetcher` as an
/// unusable_page, delegated in turn: the fetcher tries the page again and answers.
/// Parsing is the CPU-heavy step, so it runs off the I/O thread and in parallel on
/// the scheduler's cores.
messages::parser_actor spawn_parser(caf::actor_system& system,
                                    const messages::fetcher_actor& fetcher);

} // namespace klarna::actors
