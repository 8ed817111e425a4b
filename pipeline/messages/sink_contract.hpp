#pragma once

// The sink contract: a sink is a typed actor (sink_actor) that the emitter asks to
// write data; it gets no diagnostics (those go to a reporter,
// pipeline/messages/report_contract.hpp). A sink writes; it decides nothing about order or
// completeness (the emitter does). Per stream a sink is asked, in this order:
//   sink_open_stream;
//   sink_write_records, page by page, with a sink_checkpoint between pages every so
//   many records or seconds and a final one once the stream is complete;
//   sink_close_stream (complete or not).
// sink_restart_stream may come once between them; sink_finish comes last. Every
// request is answered
// with a sink_reply once it is done (for records: durable, or handed to the
// output). The reply to a write is the credit that lets one more page be fetched,
// so a slow sink slows the whole read and memory stays bounded. A sink whose output
// fails answers that request and every later one with the failure and writes
// nothing more; a batch that was not written is never answered as written.
// docs/SINKS.md explains how to write one.

#include "protocol/record_batch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace klarna::messages {

/// A stream begins: what its records look like and how they are keyed.
struct sink_open_stream {
  std::string stream;
  /// The records' JSON schema, as discover describes them.
  boost::json::value json_schema;
  /// Top-level fields that identify a record; empty when none does.
  std::vector<std::string> primary_key;
  /// The records add to those of earlier syncs (an incremental read that continues
  /// from a state); otherwise they are the whole stream.
  bool append = false;
  /// The read continues a cut one from the state this sink saved: what the sink
  /// kept of it up to that checkpoint stays.
  bool resume = false;
};

/// The stream's records come again from its first one (a resumed listing changed
/// under it): whatever was written for it since its last complete sync is void.
struct sink_restart_stream {
  std::string stream;
};

/// Records of one page, in order (protocol/record_batch.hpp: each record's JSON
/// object as Klarna sent it, and when it was read).
struct sink_write_records {
  std::string stream;
  protocol::record_batch records;
};

/// Everything written for `stream` so far is a consistent state, described by
/// `stream_state` (protocol/stream_state.hpp): a read given it resumes right after
/// these records. `record_count` records were written since the previous checkpoint
/// of that stream.
struct sink_checkpoint {
  std::string stream;
  boost::json::object stream_state;
  std::uint64_t record_count = 0;
  /// The stream's last checkpoint: every record of it is written.
  bool final = false;
};

/// A stream ends: `complete` when every record was written and checkpointed, else
/// the sync failed or stopped before (a sink must then not present the stream's
/// records of this sync as a finished result).
struct sink_close_stream {
  std::string stream;
  bool complete = false;
};

/// Flush everything; the last request of a sync.
struct sink_finish {};

/// The answer to every request: `failure` is empty when the sink did what was
/// asked, else it says why its output failed (then nothing more is written).
struct sink_reply {
  std::string failure;
  bool ok() const { return failure.empty(); }
};

/// The typed interface every sink actor implements.
using sink_actor = caf::typed_actor<caf::replies_to<sink_open_stream>::with<sink_reply>,
                                    caf::replies_to<sink_write_records>::with<sink_reply>,
                                    caf::replies_to<sink_checkpoint>::with<sink_reply>,
                                    caf::replies_to<sink_restart_stream>::with<sink_reply>,
                                    caf::replies_to<sink_close_stream>::with<sink_reply>,
                                    caf::replies_to<sink_finish>::with<sink_reply>>;

} // namespace klarna::messages

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_open_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_write_records)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_checkpoint)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_restart_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_close_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_finish)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sink_reply)
