#include "actors/fetcher.hpp"

#include "http/klarna_error.hpp"
#include "messages/pipeline_messages.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <deque>
#include <memory>
#include <random>
#include <unordered_map>

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::protocol;
using namespace klarna::http;

struct fetch_job {
  fetch_page page;
  int throttled_attempts = 0;
};

struct fetcher_state {
  fetch_settings settings;
  std::unique_ptr<http_client> http;
  caf::actor governor;
  std::vector<caf::actor> parsers;
  std::size_t next_parser = 0;
  caf::actor emitter;
  std::deque<fetch_job> queued;
  std::unordered_map<std::uint64_t, fetch_job> jobs; // awaiting permit, in flight or backing off
  std::uint64_t next_ticket = 1;
  std::size_t awaiting_permit = 0;
  std::size_t in_flight = 0;
  /// Exponentially weighted mean response time, seconds.
  double latency_ewma = 0.05;
  fetch_stats stats;
  std::minstd_rand jitter{std::random_device{}()};
  /// The quota the server announced last (passed on to the governor when it changes).
  std::optional<announced_quota> announced;
  /// Until when a long wait was last announced in a WARN (one WARN per wait).
  std::chrono::steady_clock::time_point warned_until;
};

using fetcher_actor = caf::stateful_actor<fetcher_state>;

// Requests worth keeping in flight: enough to spend the budget at the observed
// latency (Little's law, with a quarter extra for jitter), within the cap.
std::size_t in_flight_limit(const fetcher_state& state) {
  auto wanted = std::ceil(state.settings.requests_per_second * state.latency_ewma * 1.25) + 1;
  return std::clamp<std::size_t>(static_cast<std::size_t>(wanted), 2, state.settings.max_in_flight);
}

// Asks for permits while there is room in flight.
void pump(fetcher_actor* self) {
  auto& state = self->state;
  while (!state.queued.empty()
         && state.awaiting_permit + state.in_flight < in_flight_limit(state)) {
    auto ticket = state.next_ticket++;
    auto stream = state.queued.front().page.stream;
    state.jobs.emplace(ticket, std::move(state.queued.front()));
    state.queued.pop_front();
    ++state.awaiting_permit;
    self->send(state.governor, permit_request{ticket, stream, caf::actor{self}});
  }
}

std::string page_label(const fetch_page& page) {
  return page.definition->name + " page " + std::to_string(page.seq);
}

void fail_job(fetcher_actor* self, fetch_job& job, config::failure_type failure,
              std::string message, std::string internal) {
  self->send(job.page.planner,
             page_failed{job.page.seq, failure, std::move(message), std::move(internal)});
}

// Waits the server asks for beyond this are announced as a WARN.
constexpr double long_wait_seconds = 5;

// "HH:MM:SS UTC" of the wall clock `seconds` from now.
std::string utc_time_after(double seconds) {
  std::time_t at = std::time(nullptr) + static_cast<std::time_t>(std::ceil(seconds));
  std::tm parts{};
  gmtime_r(&at, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%H:%M:%S UTC", &parts);
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f s", std::ceil(seconds));
  return text;
}

// A wait the server asked for is longer than max_retry_wait: the reason to give up,
// quoting the server; nullopt when the wait is acceptable.
std::optional<std::string> refused_wait(const fetcher_state& state, const retry_after& wait) {
  auto cap = std::chrono::duration<double>(state.settings.max_retry_wait).count();
  if (wait.seconds <= cap)
    return std::nullopt;
  return "the server asked to wait before retrying (Retry-After: " + wait.text
         + "), longer than max_retry_wait_seconds (" + seconds_text(cap)
         + "); try again later, or raise max_retry_wait_seconds to wait it out";
}

// Whether a retry of `page` after `wait` would start past the page's deadline.
bool past_deadline(const fetcher_state& state, const fetch_page& page,
                   std::chrono::steady_clock::duration wait) {
  auto now = std::chrono::steady_clock::now();
  return now + wait - page.first_try.value_or(now) > state.settings.page_deadline;
}

// One WARN per wait over 5 s: what waits, until when, and why (the server's words).
void warn_of_long_wait(fetcher_actor* self, double seconds, const std::string& what,
                       const std::string& why) {
  auto& state = self->state;
  auto until = std::chrono::steady_clock::now()
               + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(seconds));
  if (seconds <= long_wait_seconds || until <= state.warned_until + std::chrono::seconds(1))
    return;
  state.warned_until = until;
  self->send(state.emitter,
             log_notice{"WARN", what + ": waiting " + seconds_text(seconds) + ", until "
                                  + utc_time_after(seconds) + " (" + why + ")"});
}

// What the response says of the server's quota goes to the governor: a newly
// announced quota, and a pause when nothing of it remains.
void pass_on_quota(fetcher_actor* self, const http_response& response) {
  auto& state = self->state;
  if (response.quota && response.quota != state.announced) {
    state.announced = response.quota;
    self->send(state.governor, announced_limit{*response.quota});
  }
  if (response.status != 429 && response.quota_remaining && *response.quota_remaining <= 0
      && response.quota_reset_seconds && *response.quota_reset_seconds > 0) {
    double pause = std::min(*response.quota_reset_seconds,
                            std::chrono::duration<double>(state.settings.max_retry_wait).count());
    warn_of_long_wait(self, pause, "Klarna's quota is used up; every request",
                      "its rate-limit headers: nothing remaining, reset in "
                        + seconds_text(*response.quota_reset_seconds));
    self->send(state.governor, quota_exhausted{pause});
  }
}

// Exponential back-off with full jitter: uniform in [0, min(30 s, 1 s * 2^attempt)].
std::chrono::milliseconds backoff(fetcher_state& state, int attempt) {
  long cap_ms = std::min(30'000L, 1000L << std::min(attempt, 5));
  std::uniform_int_distribution<long> pick(0, cap_ms);
  return std::chrono::milliseconds(pick(state.jitter));
}

// A try of `job` failed for `reason`: retry it later while attempts and the page's
// deadline allow, else fail the page. `retryable` is false for answers that a retry
// cannot change (400, 401, 403, 404 ...), whose `status` picks the failure type.
void retry_or_fail(fetcher_actor* self, fetch_job job, const std::string& reason,
                   bool retryable, long status,
                   const std::optional<retry_after>& asked = std::nullopt) {
  auto& state = self->state;
  auto& page = job.page;
  ++page.failed_attempts;
  if (retryable && asked) {
    if (auto refusal = refused_wait(state, *asked)) {
      fail_job(self, job, config::failure_type::transient_error,
               "could not read " + page_label(page) + ": " + reason + "; " + *refusal, reason);
      return;
    }
  }
  // A server that says when to come back is believed; otherwise back off with jitter.
  auto delay = asked ? std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::duration<double>(asked->seconds))
                     : backoff(state, page.failed_attempts);
  bool in_time = !past_deadline(state, page, delay);
  if (retryable && page.failed_attempts < state.settings.max_attempts && in_time) {
    ++state.stats.retries;
    // Every retry is a WARN; one the server timed says until when and why.
    std::string wait = asked ? seconds_text(asked->seconds) + ", until "
                                 + utc_time_after(asked->seconds)
                                 + " as the server asked (Retry-After: " + asked->text + ")"
                             : std::to_string(delay.count()) + " ms";
    self->send(state.emitter,
               log_notice{"WARN", "retrying " + page_label(page) + " in " + wait + " (attempt "
                                    + std::to_string(page.failed_attempts + 1) + " of "
                                    + std::to_string(state.settings.max_attempts)
                                    + "): " + reason});
    auto ticket = state.next_ticket++;
    state.jobs.emplace(ticket, std::move(job));
    self->delayed_send(self, delay, retry_atom::value, ticket);
    return;
  }
  std::string message = "could not read " + page_label(page) + ": " + reason;
  config::failure_type failure = config::failure_type::transient_error;
  if (!retryable && status == 0) {
    failure = config::failure_type::config_error; // the reason says what to change
  } else if (!retryable) {
    failure = failure_for_status(status);
    message += ". " + advice_for_status(status);
  } else if (!in_time) {
    message += " (gave up after " + std::to_string(page.failed_attempts)
               + " attempts: another would start past the page's deadline of "
               + std::to_string(state.settings.page_deadline.count() / 1000) + " s)";
  } else {
    message += " (gave up after " + std::to_string(page.failed_attempts) + " attempts)";
  }
  fail_job(self, job, failure, message, reason);
}

void on_response(fetcher_actor* self, http_response& response) {
  auto& state = self->state;
  --state.in_flight;
  auto found = state.jobs.find(response.id);
  if (found == state.jobs.end())
    return;
  auto job = std::move(found->second);
  state.jobs.erase(found);
  if (response.status != 0) {
    state.latency_ewma = 0.8 * state.latency_ewma + 0.2 * response.elapsed_seconds;
    pass_on_quota(self, response);
  }
  if (response.status == 200) {
    auto& parser = state.parsers[state.next_parser++ % state.parsers.size()];
    self->send(parser, fetched_page{std::move(job.page), std::move(response.body)});
  } else if (response.status == 429) {
    ++state.stats.throttled;
    auto refusal = response.retry_after ? refused_wait(state, *response.retry_after) : std::nullopt;
    if (refusal) {
      fail_job(self, job, config::failure_type::transient_error,
               "Klarna answered 429 Too Many Requests for " + page_label(job.page) + " and "
                 + *refusal,
               describe_error_response(response.status, response.body));
    } else if (response.retry_after
               && past_deadline(state, job.page,
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(response.retry_after->seconds)))) {
      fail_job(self, job, config::failure_type::transient_error,
               "Klarna answered 429 Too Many Requests for " + page_label(job.page)
                 + " and asked to wait " + seconds_text(response.retry_after->seconds)
                 + " (Retry-After: " + response.retry_after->text
                 + "), past the page's deadline (page_deadline_seconds); try again later",
               describe_error_response(response.status, response.body));
    } else if (++job.throttled_attempts > state.settings.max_throttled_attempts) {
      fail_job(self, job, config::failure_type::transient_error,
               "Klarna kept answering 429 Too Many Requests for " + page_label(job.page)
                 + "; other clients may be using this account's request budget. Lower "
                   "requests_per_second or try again later.",
               describe_error_response(response.status, response.body));
    } else {
      double pause = response.retry_after
                       ? response.retry_after->seconds
                       : std::min(30.0, static_cast<double>(1 << std::min(job.throttled_attempts - 1, 5)));
      warn_of_long_wait(self, pause, "Klarna answered 429 Too Many Requests; every request",
                        response.retry_after
                          ? "as the server asked: Retry-After: " + response.retry_after->text
                          : "backing off: no Retry-After, 429 number "
                              + std::to_string(job.throttled_attempts) + " for this page");
      self->send(state.governor, throttled{pause});
      state.queued.push_front(std::move(job));
    }
  } else if (response.status == 0) {
    retry_or_fail(self, std::move(job),
                  describe_transport_error(response.transport_code, response.transport_error),
                  is_retryable_transport_error(response.transport_code), 0);
  } else {
    retry_or_fail(self, std::move(job), describe_error_response(response.status, response.body),
                  is_retryable_status(response.status), response.status, response.retry_after);
  }
  pump(self);
}

caf::behavior fetcher(fetcher_actor* self, fetch_settings settings, caf::actor governor,
                      std::vector<caf::actor> parsers, caf::actor emitter) {
  auto& state = self->state;
  state.settings = settings;
  state.governor = std::move(governor);
  state.parsers = std::move(parsers);
  state.emitter = std::move(emitter);
  // Completions arrive on the curl thread; a weak handle avoids a cycle between the
  // actor and the client it owns.
  caf::weak_actor_ptr weak_self = caf::actor_cast<caf::weak_actor_ptr>(self);
  state.http = std::make_unique<http_client>(settings.http, [weak_self](http_response r) {
    if (auto strong = weak_self.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), std::move(r));
  });
  return {
    [=](fetch_page& page) {
      self->state.queued.push_back({std::move(page)});
      pump(self);
    },
    [=](const permit_granted& permit) {
      auto& state = self->state;
      --state.awaiting_permit;
      auto found = state.jobs.find(permit.ticket);
      if (found == state.jobs.end())
        return;
      ++state.in_flight;
      ++state.stats.requests;
      auto& page = found->second.page;
      if (!page.first_try)
        page.first_try = std::chrono::steady_clock::now();
      state.http->submit({permit.ticket, page.url});
    },
    [=](http_response& response) { on_response(self, response); },
    [=](unusable_page& unusable) {
      retry_or_fail(self, fetch_job{std::move(unusable.page)}, unusable.reason, true, 200);
      pump(self);
    },
    [=](retry_atom, std::uint64_t ticket) {
      auto& state = self->state;
      auto found = state.jobs.find(ticket);
      if (found == state.jobs.end())
        return;
      state.queued.push_front(std::move(found->second));
      state.jobs.erase(found);
      pump(self);
    },
    [=](stats_atom) {
      auto figures = self->state.stats;
      figures.in_flight = self->state.in_flight;
      figures.in_flight_limit = in_flight_limit(self->state);
      figures.latency_ms = self->state.latency_ewma * 1000;
      return figures;
    },
  };
}

} // namespace

caf::actor spawn_fetcher(caf::actor_system& system, fetch_settings settings,
                         const caf::actor& governor, const std::vector<caf::actor>& parsers,
                         const caf::actor& emitter) {
  return system.spawn(fetcher, std::move(settings), governor, parsers, emitter);
}

} // namespace klarna::actors
