#pragma once

// What a sink that publishes a stream only once it is complete (files, databases)
// keeps of the checkpoints: the final state of each completed stream, with the
// records of all its checkpoints counted in sourceStats.

#include "pipeline/messages/sink_contract.hpp"
#include "protocol/airbyte_messages.hpp"

#include <cstdint>
#include <map>
#include <utility>
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
      finals_[checkpoint.stream] = {checkpoint.stream_state, records};
    }
  }

  /// The final checkpoint's stream_state of `stream` and the records of all its
  /// checkpoints, for a sink that adds its own keys to the state (null when none).
  const std::pair<boost::json::object, std::uint64_t>* final_checkpoint(const std::string& stream) const {
    auto found = finals_.find(stream);
    return found == finals_.end() ? nullptr : &found->second;
  }

  /// The AirbyteStateMessage of `stream`'s final checkpoint; null when it has none.
  const std::string* find(const std::string& stream) const {
    auto found = states_.find(stream);
    return found == states_.end() ? nullptr : &found->second;
  }

  /// Every stream's final state message, by stream name.
  const std::map<std::string, std::string>& all() const { return states_; }

private:
  std::map<std::string, std::uint64_t> records_;
  std::map<std::string, std::string> states_;
  std::map<std::string, std::pair<boost::json::object, std::uint64_t>> finals_;
};

} // namespace klarna::sinks
