#pragma once

#include "http/rate_signals.hpp"
#include "logic/budget/quota_share.hpp"
#include "logic/budget/sliding_window.hpp"

#include <chrono>
#include <cstddef>
#include <optional>

namespace klarna::logic {

/// The arithmetic of the request budget, without actors or a real clock (the
/// rate governor feeds it time points, tests feed it a fake clock).
///
/// Hard limits, each a sliding window less a safety margin for clock and network
/// skew, all kept together:
/// - the averaging window: at most rate x window grants in any `window` (Klarna's
///   "requests per second averaged over a minute");
/// - one second: at most `requests_per_second` grants in any second (Klarna's
///   headers count per second too);
/// - a quota the server announces in its rate-limit headers, when it is tighter.
/// Pacing: a token bucket with a small burst refilled at a rate that keeps steady
/// pacing, bucket included, inside every hard limit, so the budget is spread evenly
/// instead of spent at once and waited out, and no limit ever has to hold grants
/// back (at 200/s: 195 requests/s, 0.975 of the budget). The limits are the
/// merchant's, shared with its other integrations: pacing also stays within what
/// quota_share leaves the connector (a reserve, and the other traffic measured from
/// the rate-limit headers). After a 429 every grant pauses and the pacing rate
/// halves, then climbs back additively (AIMD) while no 429 comes.
class rate_window {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using duration = clock::duration;

  struct settings {
    /// The config's requests_per_second and rate_window_seconds.
    double requests_per_second = 0;
    std::chrono::milliseconds window{};
    double safety_margin = 0.02;
    /// Seconds of budget the bucket holds: absorbs scheduling jitter.
    double burst_seconds = 0.01;
    /// The config's quota_reserve_share (quota_share).
    double reserve_share = 0;
  };

  rate_window(settings config, time_point now);

  /// Zero when a request may start at `now` (the grant is recorded), else how long to
  /// wait before asking again.
  duration try_acquire(time_point now);

  /// A request was answered 429: pause every grant until `resume_at`; halve the rate
  /// unless grants were already paused (429s of one burst count once).
  void on_throttled(time_point now, time_point resume_at);

  /// The server said its quota is used up for `reset` (rate-limit headers with
  /// nothing remaining): pause every grant until then, without lowering the rate.
  /// When no other traffic is measured, the connector's own requests used it up,
  /// and the pause ends as soon as the oldest of them leaves the announced window
  /// (servers round the reset up to whole seconds).
  void quota_used_up(time_point now, duration reset);

  /// The server announces `quota` (nullopt: it stopped announcing one). The tighter
  /// of it and the configured budget holds from now on. Returns true when this
  /// changed what is planned.
  bool set_announced_quota(time_point now, std::optional<http::announced_quota> quota);

  /// An answer said `remaining` requests of the announced quota are left: measures
  /// the merchant's other traffic (ignored while no quota is announced).
  void observe_remaining(time_point now, double remaining);

  /// The merchant's quota now (requests/s): the configured budget, or the announced
  /// quota when it is tighter.
  double quota_rate() const;

  /// What the connector may pace at now: the hard limits' ceiling, within what the
  /// reserve and the other traffic leave.
  double allowed_rate() const;

  const quota_share& share() const { return share_; }

  /// Grants allowed in any averaging window.
  std::size_t capacity() const { return averaging_.capacity(); }

  /// The current pacing rate (requests per second), at most allowed_rate().
  double current_rate() const { return rate_; }

  /// The highest pacing rate the hard limits allow.
  double pacing_ceiling() const { return pacing_ceiling_; }

private:
  void refill(time_point now);
  void update_pacing_ceiling();
  std::size_t with_margin(double requests) const;

  settings settings_;
  sliding_window<clock> averaging_;
  sliding_window<clock> per_second_;
  std::optional<sliding_window<clock>> announced_;
  std::optional<http::announced_quota> announced_quota_;
  quota_share share_;
  double pacing_ceiling_ = 0;
  double rate_;
  double burst_;
  double tokens_;
  time_point last_refill_;
  time_point paused_until_;
};

} // namespace klarna::logic
