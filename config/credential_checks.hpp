#pragma once

#include "config/connector_config.hpp"

namespace klarna::config {

/// What the field table cannot say about `username` and `password`: a username HTTP
/// Basic can carry, an API key in the password field and not the username, a key
/// sent alone that is fit for a header line, and a key made for the environment the
/// config reads from (a klarna_test_api_ key only in the playground, a
/// klarna_live_api_ key only in production). Throws input_error naming the field and
/// the fix; never puts a secret in the message. Needs cfg.api_base_url.
void check_credentials(const connector_config& cfg);

} // namespace klarna::config
