#pragma once

#include "pipeline/messages/report_contract.hpp"
#include "pipeline/messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <cstdio>

namespace klarna::sinks {

/// Airbyte's stdout: a sink and a reporter in one actor, so that what Airbyte reads
/// keeps its order (a stream's STARTED before its records, its last STATE before
/// COMPLETE, an error's TRACE before INCOMPLETE).
using airbyte_output_actor = messages::sink_actor::extend_with<messages::reporter_actor>;

/// Spawns Airbyte's output on `out` (stdout): records become RECORD lines and
/// checkpoints STATE lines (the sink side); statuses, logs, errors, progress and the
/// summary become STREAM_STATUS traces, LOG lines and ERROR traces (the reporter
/// side). It runs detached, on its own thread, because writing to a pipe blocks
/// when the reader is slow; every line is flushed before its request is answered.
/// After a failed write it writes nothing more and answers every sink request with
/// the failure.
airbyte_output_actor spawn_airbyte_output(caf::actor_system& system, std::FILE* out);

} // namespace klarna::sinks
