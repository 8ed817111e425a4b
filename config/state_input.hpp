#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace klarna::config {

/// Validates an input state: an array of AirbyteStateMessage objects (each with a
/// `type` of STREAM, GLOBAL or LEGACY), or a legacy state object. Every stream is
/// full refresh, so the state carries no cursor, but a corrupt file is an error,
/// not something to ignore. Throws input_error naming the entry.
void validate_input_state(const boost::json::value& json);

/// Reads and validates a state file (see validate_input_state).
void read_input_state(const std::string& path);

} // namespace klarna::config
