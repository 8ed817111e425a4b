#pragma once

#include <string>

namespace klarna::app {

/// The Airbyte commands. Each prints Airbyte messages on stdout and returns the
/// process exit code.
int run_spec();
int run_check(const std::string& config_path);
int run_discover(const std::string& config_path);
int run_read(const std::string& config_path, const std::string& catalog_path,
             const std::string& state_path, const std::string& sink_uri);

/// A whole sync without Airbyte: every stream (or the catalog's), into `sink_uri`,
/// with progress on stderr. Errors go to stderr only; stdout stays free.
int run_sync(const std::string& config_path, const std::string& catalog_path,
             const std::string& sink_uri, bool full_refresh,
             const std::string& reports_directory);

} // namespace klarna::app
