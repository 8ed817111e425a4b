#include "actors/report_archiver.hpp"

#include "logic/plan/report_plan.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "stores/report_archive.hpp"

#include <unordered_map>

namespace klarna::actors {

namespace {

using namespace klarna::messages;

struct archiver_state {
  std::optional<logic::report_plan> plan;
  std::shared_ptr<stores::report_archive> archive;
  std::size_t max_outstanding = 0;
  fetcher_actor fetcher;
  caf::actor reply_to;
  /// Requests sent and not answered, by their seq.
  std::unordered_map<std::uint64_t, logic::report_request> outstanding;
  std::uint64_t next_seq = 0;
  /// Nothing more is sent: a failure or a signal ended the archiving.
  bool stopping = false;
  protocol::archive_figures figures;
};

using archiver_actor = caf::stateful_actor<archiver_state>;

void on_fetched(archiver_actor* self, fetch_result& result);
template <class Request>
void ask_fetcher(archiver_actor* self, Request request);

void finish_when_idle(archiver_actor* self) {
  auto& state = self->state;
  if (!state.outstanding.empty() && !state.stopping)
    return;
  if (!state.stopping && !state.plan->listing_done())
    return;
  auto& figures = state.figures;
  figures.payouts_listed = state.plan->payouts_listed();
  figures.files_present = state.plan->files_present();
  figures.complete = !state.stopping && state.plan->listing_done();
  for (const auto& problem : state.plan->problems()) {
    ++figures.files_failed;
    if (figures.first_failure.empty())
      figures.first_failure = problem;
  }
  // Everything listed is archived: the next sync lists from the newest payout on,
  // as the payouts stream does.
  const auto& newest = state.plan->newest_payout_date();
  if (figures.complete && figures.files_failed == 0 && newest) {
    try {
      state.archive->mark_listed_through(*newest);
    } catch (const std::runtime_error& e) {
      figures.complete = false;
      figures.first_failure = e.what();
    }
  }
  self->send(state.reply_to, figures);
  self->quit();
}

// Sends what the plan has to send, up to max_outstanding at once.
void pump(archiver_actor* self) {
  auto& state = self->state;
  while (!state.stopping && state.outstanding.size() < state.max_outstanding) {
    auto request = state.plan->next();
    if (!request)
      break;
    fetch_page page;
    page.seq = state.next_seq++;
    page.url = request->url;
    page.label = request->label;
    page.raw_body = true;
    state.outstanding.emplace(page.seq, std::move(*request));
    ask_fetcher(self, std::move(page));
  }
  finish_when_idle(self);
}

void stop_with(archiver_actor* self, std::string failure) {
  auto& figures = self->state.figures;
  if (figures.first_failure.empty())
    figures.first_failure = std::move(failure);
  self->state.stopping = true;
}

// Asks the fetcher for a file or listing page (`request` is fetch_page, or an
// unusable_page to try again).
template <class Request>
void ask_fetcher(archiver_actor* self, Request request) {
  self->request(self->state.fetcher, caf::infinite, std::move(request))
    .then([=](fetch_result& result) { on_fetched(self, result); },
          [=](caf::error& error) {
            // Without the fetcher nothing more can be had.
            stop_with(self, "the fetcher did not answer: " + self->system().render(error));
            self->state.outstanding.clear();
            finish_when_idle(self);
          });
}

void on_body(archiver_actor* self, fetch_page& page, const std::string& body) {
  auto& state = self->state;
  auto found = state.outstanding.find(page.seq);
  if (found == state.outstanding.end())
    return;
  auto problem = found->second.listing ? state.plan->on_listing_page(body)
                                       : logic::report_body_problem(found->second, body);
  if (problem) {
    // Retried by the fetcher like a server error; it stays outstanding.
    ask_fetcher(self, unusable_page{std::move(page), std::move(*problem)});
    return;
  }
  auto request = std::move(found->second);
  state.outstanding.erase(found);
  if (!request.listing) {
    try {
      state.archive->store(request.payment_reference, request.payout_date, request.file, body);
      ++state.figures.files_written;
      state.figures.bytes_written += body.size();
    } catch (const std::runtime_error& e) {
      stop_with(self, e.what());
    }
  }
  pump(self);
}

void on_failed(archiver_actor* self, const fetch_page& page,
               const protocol::failure_report& failure) {
  auto& state = self->state;
  auto found = state.outstanding.find(page.seq);
  if (found == state.outstanding.end())
    return;
  bool listing = found->second.listing;
  state.outstanding.erase(found);
  if (listing) {
    stop_with(self, failure.message);
  } else {
    ++state.figures.files_failed;
    if (state.figures.first_failure.empty())
      state.figures.first_failure = failure.message;
  }
  pump(self);
}

void on_fetched(archiver_actor* self, fetch_result& result) {
  if (result.failure)
    on_failed(self, result.page, *result.failure);
  else
    on_body(self, result.page, result.body);
}

caf::behavior report_archiver(archiver_actor* self, report_archiver_settings settings,
                              std::shared_ptr<stores::report_archive> archive,
                              fetcher_actor fetcher, caf::actor reply_to) {
  messages::exit_on_exception(self);
  auto& state = self->state;
  state.figures.directory = archive->directory().string();
  auto* archived = archive.get();
  state.plan.emplace(settings.api_base_url, settings.start_date, settings.end_date,
                     settings.page_size,
                     [archived](const std::string& file) { return archived->has(file); });
  state.archive = std::move(archive);
  state.max_outstanding = std::max<std::size_t>(1, settings.max_outstanding);
  state.fetcher = std::move(fetcher);
  state.reply_to = std::move(reply_to);
  return {
    [=](start_atom) { pump(self); },
    [=](const page_retrying&) {}, // the fetcher retries it; nothing waits behind it here
    [=](const interrupted&) {
      self->state.stopping = true;
      finish_when_idle(self);
    },
  };
}

} // namespace

caf::actor spawn_report_archiver(caf::actor_system& system, report_archiver_settings settings,
                                 std::shared_ptr<stores::report_archive> archive,
                                 const messages::fetcher_actor& fetcher,
                                 const caf::actor& reply_to) {
  return system.spawn<caf::detached>(report_archiver, std::move(settings), std::move(archive),
                                     fetcher, reply_to);
}

} // namespace klarna::actors
