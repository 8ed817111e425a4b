#pragma once

// What a database sink, which publishes a stream only once it is complete, keeps of
// the checkpoints: the final state of each completed stream, with the
// records of all its checkpoints counted in sourceStats.

#include "pipeline/messages/sink_contract.hpp"
#include "protocol/airbyte_messages.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace klarna::sinks {

class completed_states {
public:
  void on_checkpoint(const messages::sink_checkpoint& checkpoint) {
    auto& records = records_[checkpoint.stream];
    records += checkpoint.record_count;
    if (checkpoint.final) {
      states_[checkpoint.stream] =
        protocol::stream_state_json(checkpoint.stream, checkpoint.stream_state, records);
    }
  }

  /// The AirbyteStateMessage of `stream`'s final checkpoint; null when it has none.
  const std::string* find(const std::string& stream) const {
    auto found = states_.find(stream);
    return found == states_.end() ? nullptr : &found->second;
  }

private:
  std::map<std::string, std::uint64_t> records_;
  std::map<std::string, std::string> states_;
};

} // namespace klarna::sinks
