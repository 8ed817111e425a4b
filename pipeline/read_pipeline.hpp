#pragma once

#include "actors/emitter.hpp"
#include "protocol/run_figures.hpp"

#include <memory>
#include <string>
#include <vector>

namespace klarna::config {
struct connector_config;
}

namespace klarna::stores {
class report_archive;
}

namespace klarna::pipeline {

/// Where a read writes and how it shows progress.
struct read_options {
  /// A --sink URI (sinks/sink_registry.hpp).
  std::string sink_uri = "airbyte:";
  enum class progress_display { none, terminal, plain };
  /// Progress on stderr (sync); Airbyte's read reports progress as LOG messages only.
  progress_display progress = progress_display::none;
  /// With `sync --reports DIR`: once every stream has ended, each listed payout's
  /// CSV and PDF settlement report that this archive lacks is fetched into it, under
  /// the same budget. The listing ends at `reports_until` (the instant the sync
  /// began, as the payouts stream's does).
  std::shared_ptr<stores::report_archive> reports;
  std::string reports_until;
};

/// Reads `streams`, each from its start (pipeline/stream_plans.hpp), with the actor
/// pipeline (planners, rate governor, fetcher, parsers, emitter) into the sink
/// `options` names and returns when every stream has ended. Throws
/// config::input_error when the sink cannot be used (before any request is made).
protocol::read_figures run_pipeline(const config::connector_config& config,
                                    const std::vector<actors::emitted_stream>& streams,
                                    const read_options& options);

} // namespace klarna::pipeline
