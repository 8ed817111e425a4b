#include "actors/fetcher.hpp"

#include "actors/parser.hpp"
#include "http/klarna_error.hpp"
#include "pipeline/messages/exception_policy.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/typed_response_promise.hpp>

#include <deque>
#include <memory>
#include <random>
#include <unordered_map>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using logic::retry_policy;
using protocol::log_level;

struct fetch_job {
  fetch_page page;
  /// The answer owed to whoever asked for the page, and who that is (told of retries).
  caf::typed_response_promise<fetch_result> answer;
  caf::actor requester;
  int throttled_attempts = 0;
  /// A page tried before: it goes ahead of new pages (every later page of its
  /// stream waits for it), after a failure on a connection of its own.
  bool retry = false;
  bool fresh_connection = false;
};

struct fetcher_state {
  std::optional<retry_policy> policy;
  std::optional<logic::in_flight_sizer> sizer;
  std::unique_ptr<http::http_transport> http;
  governor_actor governor;
  std::vector<parser_actor> parsers;
  std::size_t next_parser = 0;
  reporter_actor reporter;
  std::deque<fetch_job> queued;
  /// By ticket: awaiting a permit, in flight or backing off.
  std::unordered_map<std::uint64_t, fetch_job> jobs;
  std::uint64_t next_ticket = 1;
  std::size_t awaiting_permit = 0;
  std::size_t in_flight = 0;
  protocol::fetch_figures figures;
  /// The quota the server announced last (passed on to the governor when it changes).
  std::optional<http::announced_quota> announced;
};

using fetcher = fetcher_actor::stateful_pointer<fetcher_state>;

void send_request(fetcher self, std::uint64_t ticket);
void retry_or_fail(fetcher self, fetch_job job, logic::failed_try attempt);

// The page's answer: it is had, or cannot be.
void answer(fetch_job& job, fetch_result result) {
  result.page = std::move(job.page);
  job.answer.deliver(std::move(result));
}

void fail_page(fetch_job& job, protocol::failure_report failure) {
  fetch_result result;
  result.failure = std::move(failure);
  answer(job, std::move(result));
}

// The job of `ticket`, taken out of the table; none when it is gone.
std::optional<fetch_job> take_job(fetcher self, std::uint64_t ticket) {
  auto found = self->state.jobs.find(ticket);
  if (found == self->state.jobs.end())
    return std::nullopt;
  auto job = std::move(found->second);
  self->state.jobs.erase(found);
  return job;
}

// Asks for permits while there is room in flight.
void pump(fetcher self) {
  auto& state = self->state;
  while (!state.queued.empty() && state.awaiting_permit + state.in_flight < state.sizer->limit()) {
    auto ticket = state.next_ticket++;
    auto stream = state.queued.front().page.stream;
    bool retry = state.queued.front().retry;
    state.jobs.emplace(ticket, std::move(state.queued.front()));
    state.queued.pop_front();
    ++state.awaiting_permit;
    self->request(state.governor, caf::infinite, permit_request{stream, retry})
      .then([=](permit_granted) { send_request(self, ticket); },
            [=](caf::error& error) {
              // No governor, no budget: nothing more may be sent.
              --self->state.awaiting_permit;
              if (auto job = take_job(self, ticket))
                fail_page(*job, {config::failure_type::system_error,
                                 "the rate governor did not grant a request ("
                                   + self->system().render(error) + ")",
                                 {}});
            });
  }
}

std::string page_label(const fetch_page& page) {
  if (!page.label.empty())
    return page.label;
  return page.definition->name + " page " + std::to_string(page.seq);
}

void warn(fetcher self, std::string text) {
  self->send(self->state.reporter, log_entry{log_level::warn, std::move(text)});
}

// A WARN for a wait over 5 s that nobody was told of yet.
void announce_long_wait(fetcher self, double seconds, const std::string& what,
                        const std::string& why) {
  if (auto text = self->state.policy->long_wait_warning(seconds, what, why, self->clock().now()))
    warn(self, std::move(*text));
}

// What the response says of the server's quota goes to the governor: a newly
// announced quota, what remains of it, and a pause when nothing remains.
void pass_on_quota(fetcher self, const http::http_response& response) {
  auto& state = self->state;
  if (response.quota && response.quota != state.announced) {
    state.announced = response.quota;
    self->send(state.governor, announced_limit{*response.quota});
  }
  // A 429 was not counted by the server, though the connector counts it as its own.
  if (response.status == 429 || !response.quota_remaining)
    return;
  self->send(state.governor, quota_remaining{*response.quota_remaining});
  if (*response.quota_remaining <= 0 && response.quota_reset_seconds
      && *response.quota_reset_seconds > 0) {
    double pause = std::min(*response.quota_reset_seconds, state.policy->max_wait_seconds());
    announce_long_wait(self, pause, "Klarna's quota is used up; every request",
                       "its rate-limit headers: nothing remaining, reset in "
                         + logic::seconds_text(*response.quota_reset_seconds));
    self->send(state.governor, quota_exhausted{pause});
  }
}

// A try of `job` failed: retry it later, or fail the page, as the policy says.
void retry_or_fail(fetcher self, fetch_job job, logic::failed_try attempt) {
  auto& state = self->state;
  auto& page = job.page;
  attempt.page = page_label(page);
  attempt.failed_attempts = ++page.failed_attempts;
  attempt.first_try = page.first_try;
  auto verdict = state.policy->after_failure(attempt, self->clock().now());
  if (!verdict.retry_in) {
    fail_page(job, std::move(verdict.failure));
    return;
  }
  ++state.figures.retries;
  warn(self, std::move(verdict.warning));
  caf::anon_send(job.requester, page_retrying{page.listing, page.seq});
  job.retry = true;
  job.fresh_connection = true;
  auto ticket = state.next_ticket++;
  state.jobs.emplace(ticket, std::move(job));
  self->delayed_send(self, *verdict.retry_in, retry_atom::value, ticket);
}

void on_throttled(fetcher self, fetch_job job, const http::http_response& response) {
  auto& state = self->state;
  ++state.figures.throttled;
  auto verdict = state.policy->after_throttle(
    page_label(job.page), ++job.throttled_attempts, job.page.first_try, response.retry_after,
    http::describe_error_response(response.status, response.body), self->clock().now());
  if (!verdict.pause_seconds) {
    fail_page(job, std::move(verdict.failure));
    return;
  }
  announce_long_wait(self, *verdict.pause_seconds,
                     "Klarna answered 429 Too Many Requests; every request", verdict.why);
  self->send(state.governor, throttled{*verdict.pause_seconds});
  job.retry = true;
  state.queued.push_front(std::move(job));
}

// A 200 page body goes to the next parser, with the page's request: the parser
// answers it (or hands the page back as unusable_page, to be tried again).
void parse(fetcher self, fetch_job& job, std::string body) {
  auto& state = self->state;
  const auto& parser = state.parsers[state.next_parser++ % state.parsers.size()];
  job.answer.delegate(parser, fetched_page{std::move(job.page), std::move(body)});
}

void on_response(fetcher self, http::http_response& response) {
  auto& state = self->state;
  --state.in_flight;
  auto taken = take_job(self, response.id);
  if (!taken)
    return;
  auto job = std::move(*taken);
  if (response.status != 0) {
    state.sizer->observe_latency(response.elapsed_seconds);
    pass_on_quota(self, response);
  }
  if (response.status == 200) {
    if (job.page.raw_body) {
      fetch_result result; // a file: whoever asked for it checks it
      result.body = std::move(response.body);
      answer(job, std::move(result));
    } else {
      parse(self, job, std::move(response.body));
    }
  } else if (response.status == 429) {
    on_throttled(self, std::move(job), response);
  } else if (response.status == 0) {
    logic::failed_try attempt;
    attempt.reason = http::describe_transport_error(response.transport_code,
                                                    response.transport_error);
    attempt.retryable = http::is_retryable_transport_error(response.transport_code);
    retry_or_fail(self, std::move(job), std::move(attempt));
  } else {
    logic::failed_try attempt;
    attempt.reason = http::describe_error_response(response.status, response.body);
    attempt.retryable = http::is_retryable_status(response.status);
    attempt.status = response.status;
    attempt.asked = response.retry_after;
    retry_or_fail(self, std::move(job), std::move(attempt));
  }
  pump(self);
}

void send_request(fetcher self, std::uint64_t ticket) {
  auto& state = self->state;
  --state.awaiting_permit;
  auto found = state.jobs.find(ticket);
  if (found == state.jobs.end())
    return;
  ++state.in_flight;
  ++state.figures.requests;
  auto& job = found->second;
  if (!job.page.first_try)
    job.page.first_try = self->clock().now();
  state.http->submit({ticket, job.page.url, job.fresh_connection});
}

std::unique_ptr<http::http_transport> make_http_client(http::http_settings settings,
                                                       http::http_client::completion_handler done) {
  return std::make_unique<http::http_client>(std::move(settings), std::move(done));
}

// The job of a page the current request asks for: its answer is owed to the requester.
fetch_job asked_for(fetcher self, fetch_page page) {
  fetch_job job;
  job.page = std::move(page);
  // Before the promise, which takes the sender out of the current message.
  job.requester = caf::actor_cast<caf::actor>(self->current_sender());
  job.answer = self->make_response_promise<fetch_result>();
  return job;
}

fetcher_actor::behavior_type fetch_pages(fetcher self, fetch_settings settings,
                                         governor_actor governor, reporter_actor reporter,
                                         transport_factory make_transport) {
  messages::exit_on_exception(self);
  auto& state = self->state;
  state.policy.emplace(settings.retry, std::random_device{}());
  state.sizer.emplace(settings.requests_per_second, settings.max_in_flight);
  state.governor = std::move(governor);
  // Its own parsers, linked: one that fails takes the fetcher with it, which the
  // read's supervisor sees.
  for (std::size_t i = 0; i < std::max<std::size_t>(1, settings.parsers); ++i) {
    auto parser = spawn_parser(self->system(), caf::actor_cast<fetcher_actor>(self));
    self->link_to(parser);
    state.parsers.push_back(std::move(parser));
  }
  state.reporter = std::move(reporter);
  // Completions arrive on the curl thread; a weak handle avoids a cycle between the
  // actor and the client it owns.
  caf::weak_actor_ptr weak_self = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto deliver = [weak_self](http::http_response r) {
    if (auto strong = weak_self.lock())
      caf::anon_send(caf::actor_cast<fetcher_actor>(strong), std::move(r));
  };
  state.http = make_transport ? make_transport(std::move(deliver))
                              : make_http_client(settings.http, std::move(deliver));
  return {
    [=](fetch_page& page) {
      auto job = asked_for(self, std::move(page));
      auto answer = job.answer;
      self->state.queued.push_back(std::move(job));
      pump(self);
      return answer;
    },
    [=](unusable_page& unusable) {
      // A file its requester refused: a failed try of a page asked for anew.
      auto job = asked_for(self, std::move(unusable.page));
      auto answer = job.answer;
      logic::failed_try attempt;
      attempt.reason = std::move(unusable.reason);
      attempt.status = 200;
      retry_or_fail(self, std::move(job), std::move(attempt));
      pump(self);
      return answer;
    },
    [=](http::http_response& response) { on_response(self, response); },
    [=](retry_atom, std::uint64_t ticket) {
      if (auto job = take_job(self, ticket)) {
        self->state.queued.push_front(std::move(*job));
        pump(self);
      }
    },
    [=](figures_atom) {
      auto figures = self->state.figures;
      figures.in_flight = self->state.in_flight;
      figures.in_flight_limit = self->state.sizer->limit();
      figures.latency_ms = self->state.sizer->latency_seconds() * 1000;
      return figures;
    },
  };
}

} // namespace

messages::fetcher_actor spawn_fetcher(caf::actor_system& system, fetch_settings settings,
                                      const messages::governor_actor& governor,
                                      const messages::reporter_actor& reporter,
                                      transport_factory make_transport) {
  return system.spawn(fetch_pages, std::move(settings), governor, reporter,
                      std::move(make_transport));
}

} // namespace klarna::actors
