#pragma once

// The messages that the actors of the read pipeline exchange: plain structs. The
// pipeline lives in one process, so they travel as unsafe (never serialized) types.
// What the emitter asks of a sink is in pipeline/messages/sink_contract.hpp; what the actors
// report (logs, statuses, errors, progress) in pipeline/messages/report_contract.hpp.

#include "http/http_client.hpp"
#include "logic/ledger/checkpoint_tracker.hpp"
#include "logic/parse/page_parser.hpp"
#include "logic/ledger/stream_ledger.hpp"
#include "pipeline/messages/report_contract.hpp"
#include "pipeline/messages/sink_contract.hpp"
#include "protocol/airbyte_messages.hpp"
#include "protocol/run_figures.hpp"
#include "protocol/stream_catalog.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klarna::messages {

using protocol::stream_definition;
using protocol::stream_figures;
using protocol::fetch_figures;
using protocol::budget_figures;
using protocol::progress_figures;

/// Position of a stream in the read's selection (also its planner's index).
using stream_index = std::size_t;

using start_atom = caf::atom_constant<caf::atom("start")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using figures_atom = caf::atom_constant<caf::atom("figures")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;

/// planner -> fetcher, a request: fetch one page (parsed) or file (raw_body).
/// Answered with fetch_result once it is had or cannot be.
struct fetch_page {
  stream_index stream = 0;
  /// The page's listing within the stream (logic::page_request) and place in it.
  std::uint64_t listing = 0;
  std::uint64_t seq = 0;
  std::string url;
  const stream_definition* definition = nullptr;
  /// The page size asked for: a page with more records is refused.
  std::uint64_t max_records = 0;
  /// Failed tries so far (the fetcher counts; a retry travels with its page) and
  /// when the first began, for the page's deadline.
  int failed_attempts = 0;
  std::optional<std::chrono::steady_clock::time_point> first_try;
  /// A file rather than a page (a settlement report): its 200 body is the answer,
  /// unparsed, and `label` names it in messages.
  bool raw_body = false;
  std::string label;
};

/// fetcher -> parser: a 200 body to parse, the fetch_page request delegated: the
/// parser answers whoever asked for the page, or delegates an unusable_page back to
/// the fetcher when the body is not a valid collection (truncated, malformed, wrong
/// shape), which the fetcher retries like a server error.
struct fetched_page {
  fetch_page page;
  std::string body;
};

/// fetcher -> requester, the answer to fetch_page (and unusable_page): the page as
/// the fetcher last tried it, with its records (`parsed`), a file's 200 body
/// (`body`, for raw_body), or why it cannot be had (`failure`).
struct fetch_result {
  fetch_page page;
  std::optional<logic::parsed_page> parsed;
  std::string body;
  std::optional<protocol::failure_report> failure;
};

/// report archiver (or parser) -> fetcher, a request: the file (or page) this
/// fetch_result brought is not what was asked for (`reason`); try it again like a
/// server error. Answered like the fetch_page it was.
struct unusable_page {
  fetch_page page;
  std::string reason;
};

/// fetcher -> whoever asked for the page: a try of it failed and it will be tried
/// again; until it arrives, the pages after it wait in the pipeline
/// (planner_settings' retry allowance).
struct page_retrying {
  std::uint64_t listing = 0;
  std::uint64_t seq = 0;
};

/// planner -> emitter, a request: the records of page `page.seq`, to emit in seq
/// order, and where the listing stands once they are written (for checkpoints).
/// Answered with page_credit once the sink has written them.
struct page_records {
  stream_index stream = 0;
  logic::ledger_page page;
  std::uint64_t pages_known = 0;
};

/// planner -> emitter: pages 0..page_count-1 are all the stream has.
struct stream_finished {
  stream_index stream = 0;
  std::uint64_t page_count = 0;
};

/// planner -> emitter: the stream's records start over from the first (a resumed
/// listing changed); the sink voids what it has of them.
struct stream_restarted {
  stream_index stream = 0;
};

/// planner -> emitter: the stream cannot be completed.
struct stream_failed {
  stream_index stream = 0;
  protocol::failure_report report;
};

/// emitter -> planner, the answer to page_records: pages written by the sink, so as
/// many new pages may be fetched, and the size of their records.
struct page_credit {
  std::uint64_t pages = 0;
  std::uint64_t bytes = 0;
};

/// emitter -> read pipeline: every stream ended.
struct sync_outcome {
  bool all_complete = false;
  /// Where each stream ended (its records, pages, complete or not).
  std::vector<stream_figures> streams;
  /// The signal that stopped the sync, 0 if none did.
  int interrupted_by = 0;
};

/// report archiver -> read pipeline: the settlement reports are archived (or
/// could not all be).
using protocol::archive_figures;

/// read pipeline -> emitter: SIGINT or SIGTERM arrived; end every unfinished stream
/// as INCOMPLETE now.
struct interrupted {
  int signal = 0;
};

/// fetcher -> governor, a request: leave to send one request, answered with
/// permit_granted when it may go.
struct permit_request {
  stream_index stream = 0;
  /// A retry of a page that failed: later pages of its stream wait for it, so it
  /// goes before every new request (it still spends the budget like any other).
  bool retry = false;
};

/// governor -> fetcher, the answer to permit_request: the request may go now.
struct permit_granted {};

/// fetcher -> governor: a request was answered 429; pause every request this long.
struct throttled {
  double pause_seconds = 1;
};

/// fetcher -> governor: the server announces this quota in its rate-limit headers
/// (sent when it changes).
struct announced_limit {
  http::announced_quota quota;
};

/// fetcher -> governor: the server says nothing of its quota remains for this long
/// (rate-limit headers with 0 remaining); pause without slowing down.
struct quota_exhausted {
  double reset_seconds = 0;
};

/// fetcher -> governor: an answer (not a 429) said this much of the announced quota
/// remains (X-RateLimit-Remaining or RateLimit's r=): the governor measures the
/// merchant's other traffic from it.
struct quota_remaining {
  double remaining = 0;
};

/// governor -> emitter: requests are paused until this wall-clock time (ms).
struct rate_limited {
  std::int64_t resume_at_ms = 0;
};

/// read pipeline -> emitter: an actor of the pipeline (`role`: "the fetcher", "the
/// planner of payouts", ...) stopped although nothing asked it to, for `reason`:
/// every stream that has not ended fails.
struct actor_stopped {
  std::string role;
  std::string reason;
};

/// emitter -> progress ticker, the answer to figures_atom: where each stream stands.
struct stream_progress {
  std::vector<stream_figures> streams;
};

} // namespace klarna::messages

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::fetch_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::fetched_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::unusable_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::fetch_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::page_records)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_finished)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_failed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_restarted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::page_credit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::sync_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::interrupted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::page_retrying)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::permit_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::permit_granted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::throttled)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::rate_limited)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::announced_limit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::quota_exhausted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::quota_remaining)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::protocol::fetch_figures)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::protocol::budget_figures)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::protocol::archive_figures)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::actor_stopped)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::messages::stream_progress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::http::http_response)
