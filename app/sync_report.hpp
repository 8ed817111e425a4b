#pragma once

#include "pipeline/stream_plans.hpp"
#include "protocol/run_figures.hpp"

#include <string>
#include <vector>

namespace klarna::app {

/// What a finished `sync` tells the person who ran it: where the records went, how
/// many of each stream and how each was read, and what it left out and why.
/// One line each.
std::vector<std::string> describe_sync(const std::string& sink_uri,
                                       const pipeline::sync_plan& plan,
                                       const protocol::read_figures& summary);

/// "1,234,567".
std::string grouped(std::uint64_t number);

} // namespace klarna::app
