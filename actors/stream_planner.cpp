#include "actors/stream_planner.hpp"

#include "logic/page_plan.hpp"
#include "messages/pipeline_messages.hpp"

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::logic;

struct planner_state {
  planner_settings settings;
  std::optional<pagination_plan> plan;
  caf::actor fetcher;
  caf::actor emitter;
  std::uint64_t credits = 0;
  bool restarted = false;
  bool ended = false;
};

using planner_actor = caf::stateful_actor<planner_state>;

void schedule(planner_actor* self) {
  auto& state = self->state;
  while (!state.ended && state.credits > 0) {
    auto page = state.plan->take_next();
    if (!page)
      break;
    --state.credits;
    fetch_page fetch;
    fetch.stream = state.settings.stream_index;
    fetch.seq = page->seq;
    fetch.url = std::move(page->url);
    fetch.definition = state.settings.definition;
    fetch.planner = caf::actor{self};
    self->send(state.fetcher, std::move(fetch));
  }
}

pagination_plan plan_from(const planner_settings& settings, std::int64_t first_offset) {
  return pagination_plan(
    [settings](std::int64_t offset) {
      return page_url(settings.api_base_url, *settings.definition, settings.page_size, offset,
                      settings.start.listing_start);
    },
    settings.page_size, first_offset);
}

// Page 0 of a resumed listing: true when its total is no longer the checkpoint's, so
// the page is dropped and the listing is read again from its first record.
bool restarted_after_total_changed(planner_actor* self, const page_ready& ready) {
  auto& state = self->state;
  const auto& start = state.settings.start;
  const auto& total = ready.page.pagination.total;
  if (ready.seq != 0 || start.offset == 0 || !start.expected_total || !total
      || *total == *start.expected_total || state.restarted)
    return false;
  state.restarted = true;
  self->send(state.emitter,
             log_entry{protocol::log_level::warn,
                       state.settings.definition->name + ": the listing held "
                         + std::to_string(*start.expected_total)
                         + " records when the previous read stopped at record "
                         + std::to_string(start.offset) + ", it now holds "
                         + std::to_string(*total)
                         + "; offsets no longer mean the same records, so it is read again "
                           "from the start"});
  state.plan.emplace(plan_from(state.settings, 0));
  ++state.credits; // the dropped page is never written, so its credit comes back here
  schedule(self);
  return true;
}

void fail(planner_actor* self, protocol::failure_report report) {
  auto& state = self->state;
  if (state.ended)
    return;
  state.ended = true;
  self->send(state.emitter, stream_failed{state.settings.stream_index, std::move(report)});
}

caf::behavior stream_planner(planner_actor* self, planner_settings settings,
                             caf::actor fetcher, caf::actor emitter) {
  auto& state = self->state;
  state.settings = settings;
  state.credits = std::max<std::uint64_t>(1, settings.credits);
  state.fetcher = std::move(fetcher);
  state.emitter = std::move(emitter);
  state.plan.emplace(plan_from(settings, settings.start.offset));
  return {
    [=](start_atom) { schedule(self); },
    [=](page_ready& ready) {
      auto& state = self->state;
      if (state.ended || restarted_after_total_changed(self, ready))
        return;
      if (auto problem = state.plan->on_page(ready.seq, ready.page.pagination)) {
        fail(self, {config::failure_type::system_error, *problem, {}});
        return;
      }
      logic::listing_step step{
        state.plan->offset_of(ready.seq) + static_cast<std::int64_t>(ready.page.record_count),
        ready.page.pagination.total, std::move(ready.page.max_cursor)};
      self->send(state.emitter,
                 page_records{state.settings.stream_index, ready.seq,
                              std::move(ready.page.record_lines), ready.page.record_count,
                              state.plan->pages_known(), std::move(step)});
      if (state.plan->finished()) {
        state.ended = true;
        self->send(state.emitter,
                   stream_finished{state.settings.stream_index, state.plan->pages_known()});
        return;
      }
      schedule(self);
    },
    [=](page_failed& failed) { fail(self, std::move(failed.report)); },
    [=](const page_credit& credit) {
      self->state.credits += credit.pages;
      schedule(self);
    },
  };
}

} // namespace

caf::actor spawn_stream_planner(caf::actor_system& system, planner_settings settings,
                                const caf::actor& fetcher, const caf::actor& emitter) {
  return system.spawn(stream_planner, std::move(settings), fetcher, emitter);
}

} // namespace klarna::actors
