#pragma once

#include <string>

namespace klarna::config {

// Klarna's two kinds of credential (its "Authentication" page):
// - an API key, klarna_<live|test>_api_<random>, sent as `Authorization: Basic <key>`,
//   or with the UUID shown when the key was created as HTTP Basic of `<UUID>:<key>`;
// - the older username (the MID with a random string) and password, HTTP Basic.
// The config holds either in `username` (optional) and `password`.

/// Which credential the config holds, for advice when Klarna refuses it.
enum class credential_form {
  api_key,               // no username: the password is sent as the key itself
  api_key_with_uuid,     // a username and a klarna_…_api_ key
  username_and_password, // a username and anything else
};

/// The environment an API key is made for, read from its prefix.
enum class key_environment {
  unknown, // no klarna_live_api_ / klarna_test_api_ prefix (a password, or an unprefixed key)
  live,    // production
  test,    // the playground
};

key_environment api_key_environment(const std::string& secret);

credential_form credential_form_of(const std::string& username, const std::string& password);

/// The token of an HTTP Basic Authorization header: base64("username:password").
std::string basic_token(const std::string& username, const std::string& password);

/// The value of the Authorization header for these credentials: "Basic <password>"
/// when there is no username (an API key, exactly as Klarna documents it), else
/// "Basic base64(username:password)". Shared by the connector's requests, the
/// redaction of secrets and klarna-sandbox's check of credentials.
std::string authorization_value(const std::string& username, const std::string& password);

} // namespace klarna::config
