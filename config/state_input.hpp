#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace klarna::config {

/// The stream_state object of each stream named in an input state, by stream name.
using input_state = std::map<std::string, boost::json::object>;

/// Reads an input state: an array of AirbyteStateMessage objects (type STREAM, or
/// GLOBAL with its stream_states; a message without a type is LEGACY and carries
/// nothing per stream), or a legacy object of stream name -> stream_state. A null or
/// missing stream_state is an empty object. A corrupt state is an error, not
/// something to ignore: throws input_error naming the entry.
input_state parse_input_state(const boost::json::value& json);

/// Reads a state file (see parse_input_state).
input_state read_input_state(const std::string& path);

} // namespace klarna::config
