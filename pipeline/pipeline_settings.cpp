#include "pipeline/pipeline_settings.hpp"

#include "config/connector_config.hpp"
#include "config/credentials.hpp"
#include "logic/plan/stream_start.hpp"
#include "stores/report_archive.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace klarna::pipeline {

namespace {

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

// Pages a stream may have in flight or buffered before the sink has written them:
// enough for the whole budget at 200 ms latency on one stream (200/s x 0.2 s = 40),
// few enough that a stalled reader holds at most this many pages per stream.
constexpr std::uint64_t credits_per_stream = 48;
// Bytes of records a stream may have parsed and not yet written: 48 pages of 500
// transactions are about 16 MiB, so the bound binds only for pages of large records
// (a page past it still passes whole, then fetching waits for the sink).
constexpr std::uint64_t held_bytes_per_stream = 16 << 20;
// While a page is retried, the pages after it wait for it: fetching goes on for the
// pages the budget allows in this long more (a 503's first retry, at most 0.375 s,
// and its answer; a broken answer's retries at up to 200 ms latency), each standing
// for a credit's bytes (341 KiB), and never past 4 x the credits (64 MiB).
constexpr double ride_out_seconds = 0.5;
constexpr std::uint64_t most_retry_credits = 4 * credits_per_stream;

} // namespace

logic::rate_window::settings budget_settings_for(const config::connector_config& config) {
  logic::rate_window::settings budget;
  budget.requests_per_second = config.requests_per_second;
  budget.window = milliseconds_of(config.rate_window_seconds);
  budget.reserve_share = config.quota_reserve_share;
  return budget;
}

actors::fetch_settings fetch_settings_for(const config::connector_config& config) {
  actors::fetch_settings fetch;
  fetch.http = http::http_settings_for(config);
  fetch.requests_per_second = config.requests_per_second;
  fetch.retry.max_attempts = config.max_attempts;
  fetch.retry.page_deadline = milliseconds_of(config.page_deadline_seconds);
  fetch.retry.max_retry_wait = milliseconds_of(config.max_retry_wait_seconds);
  fetch.retry.credentials = config::credential_form_of(config.username, config.password);
  return fetch;
}

actors::planner_settings planner_settings_for(const config::connector_config& config,
                                              std::size_t index,
                                              const actors::emitted_stream& stream) {
  actors::planner_settings settings;
  settings.stream_index = index;
  settings.definition = stream.definition;
  settings.api_base_url = config.api_base_url;
  settings.page_size = config.page_size;
  settings.start = stream.start;
  settings.credits = credits_per_stream;
  settings.held_bytes_limit = held_bytes_per_stream;
  auto ride_out = static_cast<std::uint64_t>(std::ceil(config.requests_per_second * ride_out_seconds));
  settings.retry_credits = std::min(most_retry_credits, credits_per_stream + ride_out);
  settings.retry_held_bytes_limit = held_bytes_per_stream / credits_per_stream * settings.retry_credits;
  // Test hook (tests/integration/test_moving_listings.py): a planner that throws
  // after so many pages, to check that the pipeline's supervision ends the read.
  if (const char* after = std::getenv("SOURCE_KLARNA_TEST_PLANNER_THROWS_AFTER_PAGES"))
    settings.throw_after_pages = std::strtoull(after, nullptr, 10);
  return settings;
}

actors::report_archiver_settings report_settings_for(const config::connector_config& config,
                                                     const stores::report_archive& archive,
                                                     const std::string& until) {
  actors::report_archiver_settings settings;
  settings.api_base_url = config.api_base_url;
  settings.start_date = config.start_date;
  if (auto through = archive.listed_through())
    settings.start_date = logic::later_of(config.start_date,
                                          logic::days_before(*through, config.lookback_window_days));
  settings.end_date = until;
  settings.page_size = config.page_size;
  return settings;
}

} // namespace klarna::pipeline
