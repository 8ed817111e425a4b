#pragma once

#include <string>

namespace klarna::config {

/// Remembers a text that must never be printed (the password). Every message line
/// other than RECORD data and every line for people on stderr passes through
/// redact_secrets, so a secret that ends up in a message by any path (an unknown
/// field's name, a server's error text ...) still never leaves the process.
/// Secrets shorter than 4 characters are not redacted: they would mangle ordinary
/// words.
void register_secret(const std::string& secret);

/// `text` with every registered secret replaced by "****".
std::string redact_secrets(std::string text);

} // namespace klarna::config
