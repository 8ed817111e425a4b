#pragma once

#include "config/credentials.hpp"
#include "config/input_error.hpp"

#include <string>

namespace klarna::http {

/// A one-line description of an error response: the status, and when the body is
/// Klarna's ErrorResponse its error_code, messages and correlation_id.
std::string describe_error_response(long status, const std::string& body);

/// What a merchant should do about an HTTP status that ends a request for good; a
/// 401's advice fits the credential the config holds.
std::string advice_for_status(long status, config::credential_form credentials);

/// How an HTTP status that ends a request for good is classified (401/403 and other
/// 4xx are config errors; 5xx after retries transient; anything else system).
config::failure_type failure_for_status(long status);

/// True for statuses worth retrying: 408, 429 and 5xx.
bool is_retryable_status(long status);

} // namespace klarna::http
