#pragma once

#include <chrono>
#include <cstddef>

namespace klarna::logic {

/// Klarna counts requests per merchant, across all of the merchant's integrations:
/// settlements share the "other operations" quota with order management (captures,
/// refunds), and once the merchant is rate limited every request is refused. So the
/// quota is the merchant's, not the connector's. This keeps a share of it in reserve
/// for the merchant's other traffic and measures that traffic from the rate-limit
/// headers: what the quota lost that the connector's own requests do not explain.
/// The connector may then pace at
///   quota x (1 - reserve_share) - other traffic,  at least floor_share x quota.
/// The estimate rises at once with the other traffic (a fast average over the
/// answers, `rise_seconds`) and falls slowly (`fall_seconds`), so the connector yields
/// quickly and comes back as the other traffic goes away. No clock of its own.
class quota_share {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  struct settings {
    /// The config's quota_reserve_share: the share of the quota never taken.
    double reserve_share = 0;
    /// The connector always keeps this share, so that a sync ends even when other
    /// traffic takes everything.
    double floor_share = 0.025;
    double rise_seconds = 0.1;
    double fall_seconds = 2.0;
  };

  explicit quota_share(settings config) : settings_(config) {}

  /// One answer's rate-limit headers: `limit` requests per `window_seconds`, of
  /// which `remaining` are left, while `own_in_window` of the connector's requests
  /// fell in that window.
  void observe(time_point now, double limit, double window_seconds, double remaining,
               std::size_t own_in_window);

  /// The requests per second the connector may pace at under a quota of `quota_rate`.
  double allowed_rate(double quota_rate) const;

  /// The other traffic's rate (requests/s) as last estimated; its peak, and its
  /// mean over the time it was measured.
  double others_rate() const { return others_rate_; }
  double others_peak_rate() const { return peak_; }
  double others_mean_rate() const { return measured_seconds_ > 0 ? area_ / measured_seconds_ : 0; }

  double reserve_share() const { return settings_.reserve_share; }

private:
  settings settings_;
  double others_rate_ = 0;
  double peak_ = 0;
  double area_ = 0;
  double measured_seconds_ = 0;
  bool observed_ = false;
  time_point last_{};
};

} // namespace klarna::logic
