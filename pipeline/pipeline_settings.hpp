#pragma once

// The settings each actor gets, from the validated config (the config's fields are
// declared in config/config_fields.cpp; nothing here repeats their defaults).

#include "actors/emitter.hpp"
#include "actors/fetcher.hpp"
#include "actors/report_archiver.hpp"
#include "actors/stream_planner.hpp"
#include "logic/budget/rate_window.hpp"

namespace klarna::config {
struct connector_config;
}

namespace klarna::stores {
class report_archive;
}

namespace klarna::pipeline {

/// The governor's budget: requests_per_second over rate_window_seconds.
logic::rate_window::settings budget_settings_for(const config::connector_config& config);

/// The fetcher's connection, retry and in-flight settings.
actors::fetch_settings fetch_settings_for(const config::connector_config& config);

/// The planner of stream `index`: 48 pages and 16 MiB of records unwritten, and
/// while one of its pages is retried, as many more pages as the budget fetches in
/// half a second (148 and 49 MiB at 200/s; at most 192 and 64 MiB).
actors::planner_settings planner_settings_for(const config::connector_config& config,
                                              std::size_t index,
                                              const actors::emitted_stream& stream);

/// The report archiver's listing: payouts up to `until`, from the config's
/// start_date, or once an archiving was complete, from the newest payout_date it
/// listed less the lookback window (the payouts stream's incremental rule).
actors::report_archiver_settings report_settings_for(const config::connector_config& config,
                                                     const stores::report_archive& archive,
                                                     const std::string& until);

} // namespace klarna::pipeline
