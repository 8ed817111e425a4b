#include "config/state_input.hpp"

#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace klarna::config {

void validate_input_state(const boost::json::value& json) {
  if (json.is_object())
    return; // LEGACY state: one opaque object
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
      auto* descriptor = stream->get_object().if_contains("stream_descriptor");
      if (descriptor == nullptr || !descriptor->is_object()
          || !descriptor->get_object().contains("name"))
        throw input_error(where + ".stream must have a stream_descriptor with a name");
    } else if (kind == "GLOBAL") {
      auto* global = message.if_contains("global");
      if (global == nullptr || !global->is_object())
        throw input_error(where + " has type GLOBAL but no 'global' object");
    } else if (kind != "LEGACY") {
      throw input_error(where + ".type must be STREAM, GLOBAL or LEGACY, got '" + kind + "'");
    }
  }
}

void read_input_state(const std::string& path) {
  auto json = read_json_file(path, "state");
  try {
    validate_input_state(json);
  } catch (const input_error& e) {
    throw input_error(std::string(e.what()) + " (in state file '" + path + "')");
  }
}

} // namespace klarna::config
