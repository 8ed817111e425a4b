#pragma once

#include <string>

namespace klarna::app {

/// The Airbyte commands. Each prints Airbyte messages on stdout and returns the
/// process exit code.
int run_spec();
int run_check(const std::string& config_path);
int run_discover(const std::string& config_path);
int run_read(const std::string& config_path, const std::string& catalog_path,
             const std::string& state_path);

} // namespace klarna::app
