#pragma once

#include <string>

namespace klarna::config {

/// The token of an HTTP Basic Authorization header: base64("username:password").
/// Shared by the redaction of secrets and klarna-sandbox's check of credentials.
std::string basic_token(const std::string& username, const std::string& password);

} // namespace klarna::config
