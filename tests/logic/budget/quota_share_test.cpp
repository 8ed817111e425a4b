// The merchant's quota shared between the connector and the merchant's other
// traffic: a simulated Klarna (one sliding window, rate-limit headers on every
// answer) with other traffic, and the connector's rate_window pacing against it on a
// fake clock.
#include "logic/budget/quota_share.hpp"
#include "logic/budget/rate_window.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <deque>

using namespace klarna::logic;
using klarna::http::announced_quota;
using namespace std::chrono;

namespace {

using time_point = rate_window::time_point;

struct shared_quota_run {
  std::size_t own_granted = 0;
  std::size_t own_refused = 0;
  std::size_t others_sent = 0;
  std::size_t others_refused = 0;
  double own_rate_at_end = 0; // granted per second over the last 5 s
};

// `seconds_long` of a connector with `reserve` asking greedily, against a server
// quota of `quota` per second (announced in headers, 1 s window) while the
// merchant's other traffic sends `others(second)` requests per second, evenly spaced,
// or in `burst_ms` at the start of each second; it has been doing so for 2 s when the
// connector starts (second -2). Answers (with X-RateLimit-Remaining) come 50 ms
// after each grant.
template <class Others>
shared_quota_run simulate(double quota, double reserve, int seconds_long, Others others,
                          int burst_ms = 1000) {
  auto start = time_point{} + hours(1);
  rate_window connector({200, seconds(60), 0.02, 0.01, reserve}, start);
  sliding_window<rate_window::clock> server(static_cast<std::size_t>(quota), seconds(1));
  std::deque<time_point> answers_due;
  shared_quota_run run;
  std::vector<time_point> grants;
  double others_owed = 0;
  connector.set_announced_quota(start, announced_quota{quota, 1});
  for (auto now = start - seconds(2); now < start + seconds(seconds_long); now += milliseconds(1)) {
    auto since_start = duration_cast<milliseconds>(now - start).count();
    auto in_second = (since_start + 2000) % 1000;
    int second = static_cast<int>(std::floor(since_start / 1000.0));
    if (in_second < burst_ms)
      others_owed += others(second) / burst_ms;
    for (; others_owed >= 1; others_owed -= 1) {
      ++run.others_sent;
      if (server.wait_at(now) > rate_window::duration::zero())
        ++run.others_refused;
      else
        server.record(now);
    }
    while (!answers_due.empty() && answers_due.front() <= now) {
      answers_due.pop_front();
      connector.observe_remaining(now, static_cast<double>(server.remaining_at(now)));
    }
    while (now >= start && connector.try_acquire(now) == rate_window::duration::zero()) {
      if (server.wait_at(now) > rate_window::duration::zero()) {
        ++run.own_refused;
        continue;
      }
      server.record(now);
      ++run.own_granted;
      grants.push_back(now);
      answers_due.push_back(now + milliseconds(50));
    }
  }
  auto end = start + seconds(seconds_long);
  run.own_rate_at_end =
    std::count_if(grants.begin(), grants.end(), [&](time_point t) { return t >= end - seconds(5); })
    / 5.0;
  return run;
}

} // namespace

TEST_CASE("other traffic is measured from what the quota lost beyond the connector's own",
          "[quota]") {
  quota_share share({0.1});
  auto now = quota_share::clock::time_point{} + hours(1);
  // 40 per second, 10 left, 12 of them the connector's: 18 requests/s are others'.
  share.observe(now, 40, 1, 10, 12);
  CHECK(share.others_rate() == Approx(18));
  CHECK(share.allowed_rate(40) == Approx(40 * 0.9 - 18));
  // Rises fast: a tenth of a second at 30 brings most of the way there.
  for (int i = 1; i <= 20; ++i)
    share.observe(now + milliseconds(10 * i), 40, 1, 0, 10);
  CHECK(share.others_rate() > 28);
  // Falls slowly: after a second without others, still a part of it.
  for (int i = 1; i <= 100; ++i)
    share.observe(now + milliseconds(200 + 10 * i), 40, 1, 30, 10);
  CHECK(share.others_rate() > 5);
  CHECK(share.others_rate() < 25);
  CHECK(share.others_peak_rate() > 28);
  // Never below the floor, even when others take everything.
  share.observe(now + seconds(5), 40, 1, 0, 0);
  share.observe(now + seconds(6), 40, 1, 0, 0);
  CHECK(share.allowed_rate(40) == Approx(1));
}

TEST_CASE("the connector yields to the merchant's other traffic, steady or in bursts", "[quota]") {
  for (double others_share : {0.0, 0.3, 0.6, 0.9}) {
    for (int burst_ms : {1000, 100}) {
      DYNAMIC_SECTION("others at " << others_share << " of the quota, sent within " << burst_ms
                                   << " ms of each second") {
        double quota = 40;
        double others = quota * others_share;
        auto run = simulate(quota, 0.1, 20, [=](int) { return others; }, burst_ms);
        INFO("own " << run.own_granted << " (" << run.own_refused << " refused), others "
                    << run.others_sent << " (" << run.others_refused << " refused), own rate at end "
                    << run.own_rate_at_end);
        CHECK(run.others_refused <= run.others_sent / 100);
        CHECK(run.own_refused <= run.own_granted / 100 + 1);
        double left = std::max(quota * 0.025, quota * 0.9 - others);
        CHECK(run.own_rate_at_end >= 0.8 * left);
        CHECK(run.own_rate_at_end <= quota - others);
      }
    }
  }
}

TEST_CASE("with no reserve and no other traffic the whole quota is used", "[quota]") {
  auto run = simulate(40, 0.0, 20, [](int) { return 0.0; });
  CHECK(run.own_refused == 0);
  CHECK(run.own_rate_at_end >= 0.97 * 40);
}

TEST_CASE("the connector comes back as the other traffic goes away", "[quota]") {
  // Others at 24/s for 10 s, then none: the last 5 of 20 s run at the reserve's limit.
  auto run = simulate(40, 0.1, 20, [](int second) { return second < 10 ? 24.0 : 0.0; });
  CHECK(run.others_refused == 0);
  CHECK(run.own_rate_at_end >= 0.95 * 36);
}
