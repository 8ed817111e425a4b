#pragma once

#include "pipeline/run_figures.hpp"

#include <vector>

namespace klarna::config {
struct connector_config;
}

namespace klarna::pipeline {

struct stream_definition;

/// Reads `streams` with the actor pipeline (planners, rate governor, fetcher,
/// parsers, emitter) into the Airbyte stdout sink and returns when every stream has
/// ended.
read_summary run_read(const config::connector_config& config,
                      const std::vector<const stream_definition*>& streams);

} // namespace klarna::pipeline
