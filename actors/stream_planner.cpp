#include "actors/stream_planner.hpp"

#include "logic/plan/listing_source.hpp"
#include "logic/plan/month_source.hpp"
#include "logic/plan/payout_fanout.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <algorithm>
#include <ctime>
#include <set>
#include <stdexcept>
#include <utility>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::logic;

struct planner_state {
  planner_settings settings;
  std::unique_ptr<page_source> source;
  fetcher_actor fetcher;
  emitter_actor emitter;
  reporter_actor reporter;
  /// Pages requested on a credit whose write has not given it back yet.
  std::uint64_t spent = 0;
  /// Pages requested on a borrowed credit: their writes repay it first.
  std::uint64_t debt = 0;
  /// Record lines sent to the emitter that the sink has not written yet.
  std::uint64_t held_bytes = 0;
  /// Pages being tried again after a failure (listing, seq): while there are any,
  /// the retry allowance holds.
  std::set<std::pair<std::uint64_t, std::uint64_t>> retrying;
  /// Requests sent to the fetcher and not answered yet.
  std::uint64_t in_flight = 0;
  std::uint64_t pages_received = 0;
  bool ended = false;
};

using planner = planner_actor::stateful_pointer<planner_state>;

void on_fetched(planner self, fetch_result& result);
void fail(planner self, protocol::failure_report report);

// Whether a new page may spend a credit, given the bytes received and not yet
// written: while a page is retried, the pages after it cannot be written until it
// comes, so the larger retry allowance holds.
bool may_spend(const planner_state& state, std::uint64_t unwritten_bytes) {
  const auto& settings = state.settings;
  bool riding_out = !state.retrying.empty();
  auto credits = riding_out ? std::max(settings.retry_credits, settings.credits) : settings.credits;
  auto bytes = riding_out ? std::max(settings.retry_held_bytes_limit, settings.held_bytes_limit)
                          : settings.held_bytes_limit;
  return state.spent < std::max<std::uint64_t>(1, credits) && unwritten_bytes < bytes;
}

std::unique_ptr<page_source> source_for(const planner_settings& settings) {
  if (settings.definition->incremental == protocol::incremental_by::month)
    return std::make_unique<month_source>(*settings.definition, settings.api_base_url,
                                          settings.start, std::time(nullptr));
  if (settings.start.per_payout)
    return std::make_unique<payout_fanout>(*settings.definition, *protocol::find_stream("payouts"),
                                           settings.api_base_url, settings.page_size,
                                           settings.start);
  return std::make_unique<listing_source>(*settings.definition, settings.api_base_url,
                                          settings.page_size, settings.start,
                                          std::max({listing_reader::limits{}.max_outstanding,
                                                    settings.credits, settings.retry_credits}));
}

void schedule(planner self) {
  auto& state = self->state;
  // Requesting pages changes no byte count (a payout fan-out's is a sum over its
  // listings): taken once.
  auto unwritten_bytes = state.held_bytes + state.source->held_bytes();
  while (!state.ended) {
    auto page = state.source->take_next(may_spend(state, unwritten_bytes));
    if (!page)
      break;
    if (page->credit == credit_use::spend)
      ++state.spent;
    else if (page->credit == credit_use::borrow)
      ++state.debt;
    fetch_page fetch;
    fetch.stream = state.settings.stream_index;
    fetch.listing = page->listing;
    fetch.seq = page->seq;
    fetch.url = std::move(page->url);
    fetch.definition = page->definition;
    fetch.max_records = state.settings.page_size;
    ++state.in_flight;
    self->request(state.fetcher, caf::infinite, std::move(fetch))
      .then([=](fetch_result& result) { on_fetched(self, result); },
            [=](caf::error& error) {
              --self->state.in_flight;
              fail(self, {config::failure_type::system_error,
                          "the fetcher did not answer (" + self->system().render(error)
                            + "); the read ends here (a defect: please report it)",
                          {}});
            });
  }
}

void fail(planner self, protocol::failure_report report) {
  auto& state = self->state;
  if (state.ended)
    return;
  state.ended = true;
  self->send(state.emitter, stream_failed{state.settings.stream_index, std::move(report)});
}

void return_credits(planner self, std::uint64_t credits, std::uint64_t bytes = 0) {
  auto& state = self->state;
  state.held_bytes -= std::min(bytes, state.held_bytes);
  auto repaid = std::min(credits, state.debt);
  state.debt -= repaid;
  state.spent -= std::min(credits - repaid, state.spent);
}

// The stream is complete, or pages are requested; a stream with nothing in flight
// and nothing left to request that is not complete would wait forever, so it fails.
void settle(planner self) {
  auto& state = self->state;
  if (state.ended)
    return;
  if (state.source->finished()) {
    state.ended = true;
    self->send(state.emitter, stream_finished{state.settings.stream_index,
                                              state.source->pages_known()});
    return;
  }
  schedule(self);
  if (state.in_flight == 0 && !state.source->has_work())
    fail(self, {config::failure_type::system_error,
                state.settings.definition->name
                  + ": nothing is left to request but the stream is not complete; the read "
                    "ends here instead of waiting (a defect: please report it)",
                {}});
}

// The fetcher's answer for a page: its records, or why it cannot be had.
void on_fetched(planner self, fetch_result& result) {
  auto& state = self->state;
  --state.in_flight;
  state.retrying.erase({result.page.listing, result.page.seq});
  if (result.failure) {
    fail(self, std::move(*result.failure));
    return;
  }
  if (state.ended)
    return;
  if (++state.pages_received == state.settings.throw_after_pages)
    throw std::runtime_error("test hook: the planner throws after "
                             + std::to_string(state.pages_received) + " pages");
  auto outcome =
    state.source->on_page(result.page.listing, result.page.seq, std::move(*result.parsed));
  for (auto& warning : outcome.warnings)
    self->send(state.reporter, log_entry{protocol::log_level::warn, std::move(warning)});
  if (outcome.error) {
    fail(self, {outcome.error->type, std::move(outcome.error->message), {}});
    return;
  }
  return_credits(self, outcome.credits_back);
  if (outcome.restarted)
    self->send(state.emitter, stream_restarted{state.settings.stream_index});
  auto known = state.source->pages_known();
  for (auto& page : outcome.pages) {
    state.held_bytes += page.records.bytes();
    // The emitter answers once the sink has written the page: the answer is its
    // credit. A page the emitter drops (its stream ended) is never answered.
    self->request(state.emitter, caf::infinite,
                  page_records{state.settings.stream_index, std::move(page), known})
      .then(
        [=](const page_credit& credit) {
          return_credits(self, credit.pages, credit.bytes);
          schedule(self);
        },
        [](caf::error&) {});
  }
  settle(self);
}

planner_actor::behavior_type stream_planner(planner self, planner_settings settings,
                                            fetcher_actor fetcher, emitter_actor emitter,
                                            reporter_actor reporter) {
  messages::exit_on_exception(self);
  auto& state = self->state;
  state.settings = settings;
  state.fetcher = std::move(fetcher);
  state.emitter = std::move(emitter);
  state.reporter = std::move(reporter);
  state.source = source_for(state.settings);
  return {
    [=](start_atom) { settle(self); },
    [=](const page_retrying& retrying) {
      self->state.retrying.emplace(retrying.listing, retrying.seq);
      schedule(self);
    },
  };
}

} // namespace

planner_actor spawn_stream_planner(caf::actor_system& system, planner_settings settings,
                                   const fetcher_actor& fetcher, const emitter_actor& emitter,
                                   const reporter_actor& reporter) {
  return system.spawn(stream_planner, std::move(settings), fetcher, emitter, reporter);
}

} // namespace klarna::actors
