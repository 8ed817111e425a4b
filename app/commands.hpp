#pragma once

#include "config/stream_selection.hpp"

#include <string>

namespace klarna::app {

/// Every stream's name, comma-separated, for help texts.
std::string stream_names();

/// The Airbyte commands. Each prints Airbyte messages on stdout and returns the
/// process exit code.
int run_spec();
int run_check(const std::string& config_path);
int run_discover(const std::string& config_path);
/// Reads the catalog's streams, or without one the streams `pick` names.
int run_read(const std::string& config_path, const config::stream_pick& pick,
             const std::string& state_path, const std::string& sink_uri);

/// Prints a configured catalog that reads the streams `pick` names.
int run_catalog(const config::stream_pick& pick);

/// A whole sync without Airbyte: every stream (or those picked), into `sink_uri`,
/// with progress on stderr. Errors go to stderr only; stdout stays free.
int run_sync(const std::string& config_path, const config::stream_pick& pick,
             const std::string& sink_uri, const std::string& reports_directory);

} // namespace klarna::app
