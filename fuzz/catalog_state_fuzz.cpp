// Any bytes as a configured catalog and as a state file: validated or refused with
// an input_error, nothing else; every stream state read is one the pipeline can start
// from (protocol::from_stream_state, logic::plan_stream_start).
#include "config/configured_catalog.hpp"
#include "config/input_error.hpp"
#include "config/json_input.hpp"
#include "config/state_input.hpp"
#include "logic/plan/stream_start.hpp"
#include "protocol/stream_catalog.hpp"
#include "protocol/stream_state.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto json = klarna::config::parse_json_text(text, "input");
    try {
      klarna::config::parse_configured_catalog(json, {{"payouts", true}, {"transactions", true}, {"payout_summaries", true}});
    } catch (const klarna::config::input_error&) {
    }
    for (const auto& [stream, state] : klarna::config::parse_input_state(json)) {
      auto progress = klarna::protocol::from_stream_state(state, "state of " + stream);
      for (const auto& definition : klarna::protocol::all_streams())
        for (bool incremental : {false, true})
          klarna::logic::plan_stream_start(definition, incremental, std::string("2024-01-01"), 1,
                                           progress)
            .describe();
    }
  } catch (const klarna::config::input_error&) {
  }
  return 0;
}
