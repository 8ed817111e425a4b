#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace klarna::config {

/// One stream selected in a ConfiguredAirbyteCatalog.
struct selected_stream {
  std::string name;
  std::string sync_mode; // "full_refresh"
};

/// Validates a ConfiguredAirbyteCatalog: at least one stream, each a known stream
/// in a supported sync mode, none twice. `known` lists the valid stream names.
/// Throws input_error naming the offending entry.
std::vector<selected_stream> parse_configured_catalog(const boost::json::value& json,
                                                      const std::vector<std::string>& known);

/// Reads and validates a catalog file (see parse_configured_catalog).
std::vector<selected_stream> read_configured_catalog(const std::string& path,
                                                     const std::vector<std::string>& known);

} // namespace klarna::config
