#include "logic/retry/retry_policy.hpp"

#include "http/klarna_error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace klarna::logic {

namespace {

// Waits the server asks for beyond this are announced as a WARN.
constexpr double long_wait_seconds = 5;
// The longest wait between two tries that the connector chooses itself.
constexpr double max_backoff_seconds = 30;

// "HH:MM:SS UTC" of the wall clock `seconds` from now.
std::string utc_time_after(double seconds) {
  std::time_t at = std::time(nullptr) + static_cast<std::time_t>(std::ceil(seconds));
  std::tm parts{};
  gmtime_r(&at, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%H:%M:%S UTC", &parts);
  return text;
}

template <class Duration>
std::chrono::steady_clock::duration steady(Duration wait) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait);
}

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::duration<double>(seconds));
}

} // namespace

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f s", std::ceil(seconds));
  return text;
}

retry_policy::retry_policy(retry_settings settings, std::uint32_t jitter_seed)
  : settings_(settings), jitter_(jitter_seed) {
}

std::chrono::milliseconds retry_policy::retry_delay(long status, int failed_attempts) {
  int doublings = std::clamp(failed_attempts - 1, 0, 16);
  double seconds;
  if (status == 503) {
    double base = 0.25 * std::pow(2.0, doublings);
    seconds = base + jitter_seconds(base / 2);
  } else {
    double base = 0.04 * std::pow(4.0, doublings);
    seconds = base / 2 + jitter_seconds(base);
  }
  return milliseconds_of(std::min(seconds, max_backoff_seconds));
}

// A wait the server asked for is longer than max_retry_wait: the reason to give up,
// quoting the server; nullopt when the wait is acceptable.
std::optional<std::string> retry_policy::refused_wait(const http::retry_after& wait) const {
  auto cap = max_wait_seconds();
  if (wait.seconds <= cap)
    return std::nullopt;
  return "the server asked to wait before retrying (Retry-After: " + wait.text
         + "), longer than max_retry_wait_seconds (" + seconds_text(cap)
         + "); try again later, or raise max_retry_wait_seconds to wait it out";
}

double retry_policy::max_wait_seconds() const {
  return std::chrono::duration<double>(settings_.max_retry_wait).count();
}

bool retry_policy::past_deadline(std::optional<clock::time_point> first_try,
                                 clock::time_point now, clock::duration wait) const {
  return now + wait - first_try.value_or(now) > settings_.page_deadline;
}

retry_verdict retry_policy::after_failure(const failed_try& attempt, clock::time_point now) {
  retry_verdict verdict;
  std::string message = "could not read " + attempt.page + ": " + attempt.reason;
  verdict.failure = {config::failure_type::transient_error, message, attempt.reason};
  if (attempt.retryable && attempt.asked) {
    if (auto refusal = refused_wait(*attempt.asked)) {
      verdict.failure.message += "; " + *refusal;
      return verdict;
    }
  }
  // A server that says when to come back is believed, and met a little later so that
  // the merchant's integrations told the same time do not all return at once.
  auto delay = attempt.asked ? milliseconds_of(asked_wait_seconds(*attempt.asked))
                             : retry_delay(attempt.status, attempt.failed_attempts);
  bool in_time = !past_deadline(attempt.first_try, now, steady(delay));
  if (attempt.retryable && attempt.failed_attempts < settings_.max_attempts && in_time) {
    // Every retry is a WARN; one the server timed says until when and why.
    std::string wait = attempt.asked ? seconds_text(attempt.asked->seconds) + ", until "
                                         + utc_time_after(attempt.asked->seconds)
                                         + " as the server asked (Retry-After: "
                                         + attempt.asked->text + ")"
                                     : std::to_string(delay.count()) + " ms";
    verdict.retry_in = delay;
    verdict.warning = "retrying " + attempt.page + " in " + wait + " (attempt "
                      + std::to_string(attempt.failed_attempts + 1) + " of "
                      + std::to_string(settings_.max_attempts) + "): " + attempt.reason;
    return verdict;
  }
  if (!attempt.retryable && attempt.status == 0) {
    verdict.failure.failure = config::failure_type::config_error; // the reason says what to change
  } else if (!attempt.retryable) {
    verdict.failure.failure = http::failure_for_status(attempt.status);
    verdict.failure.message += ". " + http::advice_for_status(attempt.status, settings_.credentials);
  } else if (!in_time) {
    verdict.failure.message += " (gave up after " + std::to_string(attempt.failed_attempts)
                               + " attempts: another would start past the page's deadline of "
                               + std::to_string(settings_.page_deadline.count() / 1000) + " s)";
  } else {
    verdict.failure.message +=
      " (gave up after " + std::to_string(attempt.failed_attempts) + " attempts)";
  }
  return verdict;
}

throttle_verdict retry_policy::after_throttle(const std::string& page, int throttled_attempts,
                                              std::optional<clock::time_point> first_try,
                                              const std::optional<http::retry_after>& asked,
                                              const std::string& server_answer,
                                              clock::time_point now) {
  throttle_verdict verdict;
  verdict.failure = {config::failure_type::transient_error, {}, server_answer};
  auto answered = "Klarna answered 429 Too Many Requests for " + page;
  if (auto refusal = asked ? refused_wait(*asked) : std::nullopt) {
    verdict.failure.message = answered + " and " + *refusal;
  } else if (asked
             && past_deadline(first_try, now, steady(std::chrono::duration<double>(asked->seconds)))) {
    verdict.failure.message = answered + " and asked to wait " + seconds_text(asked->seconds)
                              + " (Retry-After: " + asked->text
                              + "), past the page's deadline (page_deadline_seconds); try again "
                                "later";
  } else if (throttled_attempts > settings_.max_throttled_attempts) {
    verdict.failure.message = "Klarna kept answering 429 Too Many Requests for " + page
                              + "; other clients may be using this account's request budget. "
                                "Lower requests_per_second or try again later.";
  } else if (asked) {
    // Never sooner than asked (Klarna asks for jitter).
    verdict.pause_seconds = asked_wait_seconds(*asked);
    verdict.why = "as the server asked: Retry-After: " + asked->text + ", with jitter";
  } else {
    double base = std::min(30.0, static_cast<double>(1 << std::min(throttled_attempts - 1, 5)));
    verdict.pause_seconds = base + jitter_seconds(base / 2);
    verdict.why = "backing off with jitter: no Retry-After, 429 number "
                  + std::to_string(throttled_attempts) + " for this page";
  }
  return verdict;
}

double retry_policy::asked_wait_seconds(const http::retry_after& asked) {
  return asked.seconds + jitter_seconds(std::min(1.0, asked.seconds / 4));
}

double retry_policy::jitter_seconds(double most) {
  std::uniform_real_distribution<double> pick(0.0, most);
  return most > 0 ? pick(jitter_) : 0.0;
}

std::optional<std::string> retry_policy::long_wait_warning(double seconds, const std::string& what,
                                                           const std::string& why,
                                                           clock::time_point now) {
  auto until = now + steady(std::chrono::duration<double>(seconds));
  if (seconds <= long_wait_seconds || until <= warned_until_ + std::chrono::seconds(1))
    return std::nullopt;
  warned_until_ = until;
  return what + ": waiting " + seconds_text(seconds) + ", until " + utc_time_after(seconds) + " ("
         + why + ")";
}

in_flight_sizer::in_flight_sizer(double requests_per_second, std::size_t max_in_flight)
  : requests_per_second_(requests_per_second), max_in_flight_(max_in_flight) {
}

void in_flight_sizer::observe_latency(double seconds) {
  latency_ewma_ = 0.8 * latency_ewma_ + 0.2 * seconds;
}

std::size_t in_flight_sizer::limit() const {
  auto wanted = std::ceil(requests_per_second_ * latency_ewma_ * 1.25) + 1;
  return std::clamp<std::size_t>(static_cast<std::size_t>(wanted), 2, max_in_flight_);
}

} // namespace klarna::logic
