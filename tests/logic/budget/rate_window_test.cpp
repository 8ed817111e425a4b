#include "logic/budget/rate_window.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace klarna::logic;
using klarna::http::announced_quota;
using namespace std::chrono;

namespace {

// Runs a greedy client against the window with a fake clock: it asks again exactly
// when told to, for `span`, and returns the grant times.
std::vector<rate_window::time_point> greedy_grants(rate_window& window, rate_window::time_point start,
                                                   rate_window::duration span) {
  std::vector<rate_window::time_point> grants;
  auto now = start;
  while (now < start + span) {
    auto wait = window.try_acquire(now);
    if (wait == rate_window::duration::zero())
      grants.push_back(now);
    else
      now += wait;
  }
  return grants;
}

// The largest number of grants inside any window-long interval.
std::size_t peak_in_any_window(const std::vector<rate_window::time_point>& grants,
                               rate_window::duration window) {
  std::size_t peak = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < grants.size(); ++last) {
    while (grants[last] - grants[first] >= window)
      ++first;
    peak = std::max(peak, last - first + 1);
  }
  return peak;
}

} // namespace

TEST_CASE("capacity is rate x window less the safety margin", "[governor]") {
  rate_window window({200, seconds(60), 0.02, 0.01}, rate_window::clock::time_point{});
  CHECK(window.capacity() == 11760);
  // Paced so that a full bucket (0.01 s of the per-second limit: 1.96) plus a second
  // of pacing, less the token that arrives as the second ends, fits the per-second
  // limit of 196: 195.04/s, 97.5% of the budget.
  CHECK(window.current_rate() == Approx(196 + 1 - 1.96));
}

TEST_CASE("no second carries more than the per-second rate, from the first on",
          "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({200, seconds(60), 0.02, 0.01}, start);
  auto grants = greedy_grants(window, start, seconds(5));
  // A bucket of 0.25 s on top of full pacing would put ~245 into the first second.
  CHECK(peak_in_any_window(grants, seconds(1)) <= 196);
  CHECK(grants.size() >= static_cast<std::size_t>(5 * 200 * 0.95));
}

TEST_CASE("an announced quota tighter than the budget holds, and is followed when it changes",
          "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({200, seconds(60), 0.02, 0.01}, start);
  CHECK(window.set_announced_quota(start, announced_quota{100, 1}));
  CHECK_FALSE(window.set_announced_quota(start, announced_quota{100, 1})); // nothing new
  CHECK(window.pacing_ceiling() == Approx(98)); // a bucket of one token: 98 + 1 - 1
  auto grants = greedy_grants(window, start, seconds(10));
  CHECK(peak_in_any_window(grants, seconds(1)) <= 98);
  CHECK(grants.size() >= static_cast<std::size_t>(10 * 100 * 0.95));
  // No window binds in steady pacing: grants are evenly spaced, never bunched.
  for (std::size_t i = 20; i + 1 < grants.size(); ++i)
    CHECK(grants[i + 1] - grants[i] >= milliseconds(10));
  // A looser announcement than the configured budget changes nothing above it.
  auto later = start + seconds(10);
  CHECK(window.set_announced_quota(later, announced_quota{1000, 1}));
  CHECK(window.pacing_ceiling() == Approx(196 + 1 - 1.96));
  // The server lowers its quota over a longer window.
  CHECK(window.set_announced_quota(later, announced_quota{300, 10}));
  auto tighter = greedy_grants(window, later, seconds(30));
  CHECK(peak_in_any_window(tighter, seconds(10)) <= 294);
}

TEST_CASE("low budgets are paced at their rate, never beyond it", "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  for (double rate : {0.01, 0.5, 1.0, 2.0, 3.0}) {
    INFO("rate " << rate);
    rate_window window({rate, seconds(60), 0.02, 0.01}, start);
    CHECK(window.pacing_ceiling() <= rate * 0.98 + 1e-9);
    CHECK(window.pacing_ceiling() >= rate * 0.95);
    auto grants = greedy_grants(window, start, seconds(600));
    CHECK(grants.size() <= static_cast<std::size_t>(rate * 600) + 1);
    CHECK(grants.size() >= static_cast<std::size_t>(rate * 600 * 0.9));
  }
}

TEST_CASE("a pause the server announces does not lower the rate", "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({100, seconds(60), 0.02, 0.01}, start);
  auto ceiling = window.current_rate();
  window.quota_used_up(start, seconds(3));
  CHECK(window.try_acquire(start + seconds(1)) == seconds(2));
  CHECK(window.try_acquire(start + seconds(3)) == rate_window::duration::zero());
  CHECK(window.current_rate() == Approx(ceiling));
}

TEST_CASE("a quota its own requests used up is waited for only until the oldest leaves",
          "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({200, seconds(60), 0.02, 0.01}, start);
  window.set_announced_quota(start, announced_quota{10, 5});
  auto grants = greedy_grants(window, start, seconds(5));
  REQUIRE(grants.size() >= 9);
  auto now = grants.back();
  // No other traffic measured: the server's whole-second reset is not waited out.
  window.observe_remaining(now, 0);
  REQUIRE(window.share().others_rate() < 0.2);
  window.quota_used_up(now, seconds(2));
  CHECK(window.try_acquire(now) <= grants.front() + seconds(5) - now + milliseconds(1));
  // With other traffic measured, the server's word holds.
  rate_window busy({200, seconds(60), 0.02, 0.01}, start);
  busy.set_announced_quota(start, announced_quota{10, 5});
  busy.try_acquire(start);
  busy.observe_remaining(start, 2); // 8 used, 1 of them the connector's
  busy.quota_used_up(start, seconds(2));
  CHECK(busy.try_acquire(start + milliseconds(100)) >= milliseconds(1900));
}

TEST_CASE("a greedy client never exceeds the window and is paced, not bursty", "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({50, seconds(10), 0.02, 0.01}, start);
  auto grants = greedy_grants(window, start, seconds(35));
  CHECK(peak_in_any_window(grants, seconds(10)) <= window.capacity());
  // Pacing: the full bucket allows one second's burst at the start; after that no
  // second holds more than one second of budget.
  CHECK(peak_in_any_window(grants, seconds(1)) <= 49);
  std::vector<rate_window::time_point> steady;
  for (auto t : grants)
    if (t >= start + seconds(2))
      steady.push_back(t);
  CHECK(peak_in_any_window(steady, seconds(1)) <= 50);
  // And the budget is used: over 35 s close to 35 x 50 x 0.98 grants.
  CHECK(grants.size() >= static_cast<std::size_t>(35 * 50 * 0.95));
}

TEST_CASE("random interleavings never exceed the window", "[governor]") {
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    auto start = rate_window::clock::time_point{} + hours(1);
    double rate = 5 + random() % 100;
    auto length = milliseconds(2000 + random() % 8000);
    rate_window window({rate, length, 0.02, 0.25}, start);
    std::vector<rate_window::time_point> grants;
    auto now = start;
    for (int i = 0; i < 5000; ++i) {
      now += microseconds(random() % 20000); // callers arrive at random times
      if (window.try_acquire(now) == rate_window::duration::zero())
        grants.push_back(now);
    }
    INFO("round " << round << ", rate " << rate << ", window " << length.count() << " ms");
    CHECK(peak_in_any_window(grants, length) <= window.capacity());
  }
}

TEST_CASE("a 429 pauses every grant, halves the rate, and the rate recovers", "[governor]") {
  auto start = rate_window::clock::time_point{} + hours(1);
  rate_window window({100, seconds(60), 0.02, 0.01}, start);
  auto ceiling = window.pacing_ceiling();
  CHECK(ceiling == Approx(98));
  CHECK(window.try_acquire(start) == rate_window::duration::zero());
  window.on_throttled(start, start + seconds(2));
  CHECK(window.current_rate() == Approx(ceiling / 2));
  window.on_throttled(start + milliseconds(10), start + seconds(2)); // same burst of 429s
  CHECK(window.current_rate() == Approx(ceiling / 2));
  auto wait = window.try_acquire(start + seconds(1));
  CHECK(wait == seconds(1)); // still paused
  CHECK(window.try_acquire(start + seconds(2)) == rate_window::duration::zero());
  window.try_acquire(start + seconds(20)); // 18 s without 429 at +5/s: back to the ceiling
  CHECK(window.current_rate() == Approx(ceiling));
}
