#pragma once

#include "config/region_hosts.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace klarna::config {

/// A validated connector configuration (the `--config` file). Each field's type,
/// bounds and default are declared once, in config/config_fields.cpp;
/// parse_connector_config fills every member.
struct connector_config {
  config::region region = region::eu;
  bool playground = false;
  std::string username;
  /// Never printed, logged or put in an error message.
  std::string password;
  /// ISO-8601 date or date-time, as given; payouts before it are not read.
  std::optional<std::string> start_date;
  /// An incremental read of payouts starts this many days before the last cursor.
  int lookback_window_days = 0;
  /// A stream checkpoints (STATE) after at least this many records.
  int state_checkpoint_records = 0;
  /// The API root every request goes to, always ending in '/': the region's host,
  /// or `base_url` from the config.
  std::string api_base_url;
  int page_size = 0;
  /// The request budget, averaged over the governor's window.
  double requests_per_second = 0;
  /// The window over which the budget is averaged (Klarna: 60 s).
  double rate_window_seconds = 0;
  /// The share of the quota left free for the merchant's other traffic.
  double quota_reserve_share = 0;
  /// Per request: connecting, the whole transfer, and a transfer slower than
  /// 1 KiB/s for this long.
  double connect_timeout_seconds = 0;
  double request_timeout_seconds = 0;
  double low_speed_timeout_seconds = 0;
  /// Tries of one page for retryable failures (5xx, 408, transport errors,
  /// timeouts, truncated or malformed bodies), and the time they may take together.
  int max_attempts = 0;
  double page_deadline_seconds = 0;
  /// The longest wait a server may ask for (Retry-After on 429 or 503); a longer
  /// one ends the stream as a transient error instead (Airbyte's CDK caps at 600 s).
  double max_retry_wait_seconds = 0;
  /// CA certificates (PEM) that verify the API host instead of the system's trust
  /// store, e.g. a corporate proxy's CA; empty for the system's. Not a secret.
  std::string ca_certificate;
  /// Fields of the config file that this connector does not know (ignored).
  std::vector<std::string> ignored_fields;
};

/// The warning for an ignored config field: that it is ignored, and the known field
/// it may have meant to be (two edits away).
std::string ignored_field_warning(const std::string& field);

/// Validates a parsed config object. Throws input_error naming the first field that
/// is missing or invalid and what was expected.
connector_config parse_connector_config(const boost::json::value& json);

/// Reads and validates a config file (see parse_connector_config).
connector_config read_connector_config(const std::string& path);

/// Checks a user-supplied base URL: http(s), a host, no credentials, no query;
/// plain http only for loopback hosts. Returns it normalized with a trailing '/'.
/// Throws input_error naming `field` otherwise.
std::string validate_base_url(const std::string& text, const std::string& field);

} // namespace klarna::config
