#pragma once

// The reporter contract: a read's diagnostics, apart from its data (which go to the
// sink, pipeline/messages/sink_contract.hpp). Streams' statuses, logs, errors, progress and
// the summary go to a reporter_actor: Airbyte messages on stdout for `read`
// (sinks/airbyte_output.hpp, which is also the Airbyte sink, so that statuses and
// records keep their order on stdout), the progress display on stderr for `sync`
// (actors/progress_display.hpp). Any actor of the pipeline may report; none waits
// for an answer except the read pipeline for the summary, which comes last.

#include "protocol/airbyte_messages.hpp"
#include "protocol/run_figures.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::messages {

/// Where a stream stands: STARTED once it is opened (with `detail`, how it is read:
/// "full refresh", "incremental from ..."), RUNNING before its first records and
/// again with the time requests resume after a rate limit, COMPLETE or INCOMPLETE
/// once it has ended.
struct stream_status_report {
  std::string stream;
  protocol::stream_status status = protocol::stream_status::running;
  std::optional<std::int64_t> rate_limited_until_ms;
  std::string detail;
};

/// A message for people (or Airbyte's log).
struct log_entry {
  protocol::log_level level = protocol::log_level::info;
  std::string message;
};

/// A failure of one stream, or of the whole read when `stream` is empty;
/// `interrupted` when SIGINT or SIGTERM ended it (a stop, not a fault).
struct stream_error {
  std::string stream;
  protocol::failure_report report;
  bool interrupted = false;
};

/// The read's last report: its summary, and where every stream ended.
struct run_summary {
  protocol::read_figures figures;
  protocol::progress_figures final_progress;
};

/// The typed interface of every reporter. Every progress interval it gets the
/// figures of the moment (protocol::progress_figures); the reply to run_summary
/// says everything before it is out.
using reporter_actor = caf::typed_actor<caf::reacts_to<stream_status_report>,
                                        caf::reacts_to<log_entry>,
                                        caf::reacts_to<stream_error>,
                                        caf::reacts_to<protocol::progress_figures>,
                                        caf::replies_to<run_summary>::with<bool>>;

} // namespace klarna::messages

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_status_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::log_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_error)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::run_summary)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::protocol::progress_figures)
