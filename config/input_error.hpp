#pragma once

#include <stdexcept>
#include <string>

namespace klarna::config {

/// Airbyte's classification of a failure (AirbyteErrorTraceMessage.failure_type).
enum class failure_type { config_error, transient_error, system_error };

/// The protocol spelling of a failure type.
const char* to_string(failure_type type);

/// A problem with user input (config, catalog, state, flags). The message names the
/// field or file and what was expected; it never contains a secret value.
class input_error : public std::runtime_error {
public:
  explicit input_error(const std::string& message)
    : std::runtime_error(message) {
  }
};

} // namespace klarna::config
