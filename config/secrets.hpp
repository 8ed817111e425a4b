#pragma once

#include <string>

namespace klarna::config {

/// Remembers the credentials, which must never be printed. The free text of every
/// message other than RECORD data (before it is JSON-escaped) and every line for
/// people on stderr passes through redact_secrets, so a secret that ends up in a
/// message by any path (an unknown field's name, a server echoing the request ...)
/// still never leaves the process. The password is redacted in every form it can
/// take there: as is, JSON-escaped (a `"` or `\` in it is escaped on the way out),
/// percent-encoded (upper- and lower-case hex), and inside the HTTP Basic token
/// base64(username:password). An API key sent alone is the password itself in the
/// Authorization header; one pasted into the username is redacted too. Any length
/// is redacted, even a short password that also occurs in ordinary words: a mangled
/// word costs less than a leaked password.
/// Redaction applies to free text only (messages, stderr lines), never to a
/// message's keys or the protocol's own values, so the output stays valid. A new
/// registration replaces the previous credentials.
void register_credentials(const std::string& username, const std::string& password);

/// `text` with every registered form of a secret replaced by "****".
std::string redact_secrets(std::string text);

} // namespace klarna::config
