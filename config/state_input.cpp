#include "config/state_input.hpp"

#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <boost/json/array.hpp>

namespace klarna::config {

namespace {

// One AirbyteStreamState ({stream_descriptor, stream_state}) into `states`.
void add_stream_state(const boost::json::value& entry, const std::string& where,
                      input_state& states) {
  if (!entry.is_object())
    throw input_error(where + " must be an object, got " + json_type_name(entry));
  const auto& stream = entry.get_object();
  const auto* descriptor = stream.if_contains("stream_descriptor");
  const boost::json::value* name = nullptr;
  if (descriptor != nullptr && descriptor->is_object())
    name = descriptor->get_object().if_contains("name");
  if (name == nullptr || !name->is_string())
    throw input_error(where + " must have a stream_descriptor with a name");
  boost::json::object state;
  if (const auto* value = stream.if_contains("stream_state"); value && !value->is_null()) {
    if (!value->is_object())
      throw input_error(where + ".stream_state must be an object, got " + json_type_name(*value));
    state = value->get_object();
  }
  std::string stream_name(name->get_string());
  if (!states.emplace(stream_name, std::move(state)).second)
    throw input_error(where + " repeats the state of stream '" + stream_name + "'");
}

void add_legacy_states(const boost::json::object& legacy, input_state& states) {
  for (const auto& [name, value] : legacy)
    if (value.is_object())
      states.emplace(std::string(name), value.get_object());
}

} // namespace

input_state parse_input_state(const boost::json::value& json) {
  input_state states;
  if (json.is_object()) {
    add_legacy_states(json.get_object(), states);
    return states;
  }
  if (!json.is_array())
    throw input_error(std::string("state must be an array of state messages or an object, got ")
                      + json_type_name(json));
  std::size_t index = 0;
  for (const auto& entry : json.get_array()) {
    const std::string where = "state[" + std::to_string(index++) + "]";
    if (!entry.is_object())
      throw input_error(where + " must be an object, got " + json_type_name(entry));
    const auto& message = entry.get_object();
    auto* type = message.if_contains("type");
    std::string kind = type != nullptr && type->is_string() ? std::string(type->get_string())
                                                           : "LEGACY";
    if (kind == "STREAM") {
      auto* stream = message.if_contains("stream");
      if (stream == nullptr || !stream->is_object())
        throw input_error(where + " has type STREAM but no 'stream' object");
      add_stream_state(*stream, where + ".stream", states);
    } else if (kind == "GLOBAL") {
      auto* global = message.if_contains("global");
      if (global == nullptr || !global->is_object())
        throw input_error(where + " has type GLOBAL but no 'global' object");
      auto* streams = global->get_object().if_contains("stream_states");
      if (streams == nullptr || !streams->is_array())
        throw input_error(where + ".global must have a 'stream_states' array");
      std::size_t part = 0;
      for (const auto& stream : streams->get_array())
        add_stream_state(stream, where + ".global.stream_states[" + std::to_string(part++) + "]",
                         states);
    } else if (kind != "LEGACY") {
      throw input_error(where + ".type must be STREAM, GLOBAL or LEGACY, got '" + kind + "'");
    }
  }
  return states;
}

input_state read_input_state(const std::string& path) {
  auto json = read_json_file(path, "state");
  try {
    return parse_input_state(json);
  } catch (const input_error& e) {
    throw input_error(std::string(e.what()) + " (in state file '" + path + "')");
  }
}

} // namespace klarna::config
