// Any bytes as a configured catalog and as a state file: validated or refused with
// an input_error, nothing else.
#include "config/configured_catalog.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"
#include "config/state_input.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto json = klarna::config::parse_json_text(text, "input");
    try {
      klarna::config::parse_configured_catalog(json, {{"payouts", true}, {"transactions", false}});
    } catch (const klarna::config::input_error&) {
    }
    klarna::config::parse_input_state(json);
  } catch (const klarna::config::input_error&) {
  }
  return 0;
}
