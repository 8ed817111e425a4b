#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace klarna::config {

enum class sync_mode { full_refresh, incremental };

/// "full_refresh" or "incremental".
const char* to_string(sync_mode mode);

/// A stream this source has, and whether it can be read incrementally.
struct known_stream {
  std::string name;
  bool incremental = false;
};

/// "payouts, transactions, payout_summaries": the streams' names, for messages.
std::string names_of(const std::vector<known_stream>& streams);

/// One stream selected in a ConfiguredAirbyteCatalog.
struct selected_stream {
  std::string name;
  sync_mode mode = sync_mode::full_refresh;
};

/// Validates a ConfiguredAirbyteCatalog: at least one stream, each a known stream
/// in a sync mode it supports, none twice. Throws input_error naming the offending
/// entry.
std::vector<selected_stream> parse_configured_catalog(const boost::json::value& json,
                                                      const std::vector<known_stream>& known);

/// Reads and validates a catalog file (see parse_configured_catalog).
std::vector<selected_stream> read_configured_catalog(const std::string& path,
                                                     const std::vector<known_stream>& known);

} // namespace klarna::config
