// Any bytes as a config file: a connector_config or an input_error, nothing else.
#include "config/connector_config.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto json = klarna::config::parse_json_text(text, "config");
    klarna::config::parse_connector_config(json);
  } catch (const klarna::config::input_error&) {
  }
  return 0;
}
