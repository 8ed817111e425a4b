#include "logic/budget/round_robin_queues.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include <string>
#include <vector>

using klarna::logic::round_robin_queues;

namespace {

std::vector<std::string> drain(round_robin_queues<std::string>& queues) {
  std::vector<std::string> order;
  while (auto item = queues.pop())
    order.push_back(*item);
  return order;
}

} // namespace

TEST_CASE("waiting streams are served in turn, each in its own FIFO order") {
  round_robin_queues<std::string> queues(2);
  for (int i = 0; i < 4; ++i)
    queues.push(0, "payouts-" + std::to_string(i));
  queues.push(1, "transactions-0");
  queues.push(1, "transactions-1");
  CHECK(queues.size() == 6);
  CHECK(drain(queues) == std::vector<std::string>{"payouts-0", "transactions-0", "payouts-1",
                                                  "transactions-1", "payouts-2", "payouts-3"});
  CHECK(queues.empty());
  CHECK_FALSE(queues.pop());
}

TEST_CASE("a stream that queues many requests cannot starve one that queues later") {
  round_robin_queues<std::string> queues(2);
  for (int i = 0; i < 1000; ++i)
    queues.push(0, "a");
  // Stream 0 is served alone while it is the only one waiting...
  CHECK(*queues.pop() == "a");
  CHECK(*queues.pop() == "a");
  // ...and as soon as stream 1 waits, it gets every other grant.
  queues.push(1, "b");
  queues.push(1, "b");
  auto order = std::vector<std::string>{*queues.pop(), *queues.pop(), *queues.pop(), *queues.pop()};
  CHECK(order == std::vector<std::string>{"b", "a", "b", "a"});
  CHECK(queues.size() == 996);
}

TEST_CASE("over any stretch with both streams waiting, grants differ by at most one") {
  round_robin_queues<int> queues(3);
  for (int i = 0; i < 300; ++i)
    queues.push(i % 7 == 0 ? 2 : i % 2, i % 7 == 0 ? 2 : i % 2);
  std::vector<int> served(3, 0);
  // While all three streams still wait, their counts stay within one of each other.
  for (int grant = 0; grant < 120; ++grant) {
    served[*queues.pop()]++;
    auto [low, high] = std::minmax({served[0], served[1], served[2]});
    REQUIRE(high - low <= 1);
  }
}

TEST_CASE("stream indexes beyond the count wrap instead of failing") {
  round_robin_queues<int> queues(0); // treated as one queue
  queues.push(5, 1);
  queues.push(0, 2);
  CHECK(*queues.pop() == 1);
  CHECK(*queues.pop() == 2);
}

TEST_CASE("items pushed first go before every stream's queue, in their own order") {
  round_robin_queues<std::string> queues(2);
  queues.push(0, "payouts-0");
  queues.push(1, "transactions-0");
  queues.push_first("retry-1");
  queues.push(0, "payouts-1");
  queues.push_first("retry-2");
  CHECK(queues.size() == 5);
  CHECK(drain(queues) == std::vector<std::string>{"retry-1", "retry-2", "payouts-0",
                                                  "transactions-0", "payouts-1"});
  CHECK(queues.empty());
}
