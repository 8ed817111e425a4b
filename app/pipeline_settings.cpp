#include "app/pipeline_settings.hpp"

#include "config/connector_config.hpp"
#include "config/credentials.hpp"

#include <cstdlib>

namespace klarna::app {

namespace {

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

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
                                              const actors::emitted_stream& stream,
                                              std::uint64_t credits,
                                              std::uint64_t held_bytes) {
  actors::planner_settings settings;
  settings.stream_index = index;
  settings.definition = stream.definition;
  settings.api_base_url = config.api_base_url;
  settings.page_size = config.page_size;
  settings.start = stream.start;
  settings.credits = credits;
  settings.held_bytes_limit = held_bytes;
  // Test hook (tests/integration/test_moving_listings.py): a planner that throws
  // after so many pages, to check that the pipeline's supervision ends the read.
  if (const char* after = std::getenv("SOURCE_KLARNA_TEST_PLANNER_THROWS_AFTER_PAGES"))
    settings.throw_after_pages = std::strtoull(after, nullptr, 10);
  return settings;
}

} // namespace klarna::app
