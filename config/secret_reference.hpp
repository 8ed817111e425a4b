#pragma once

#include <string>

namespace klarna::config {

/// The secret a config value stands for, so that a password need not be written into
/// the config file: "env:NAME" is the value of environment variable NAME, and
/// "file:PATH" the content of file PATH (one trailing line break dropped); anything
/// else is the secret itself. Throws input_error naming `field` and the variable or
/// file (never the secret) when it is not set, empty or unreadable.
std::string resolve_secret_reference(const std::string& value, const std::string& field);

} // namespace klarna::config
