#include "logic/ledger/stream_ledger.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

using namespace klarna::logic;

namespace {

// Page `seq` with `records` records {"page":seq,"n":i}.
ledger_page page(std::uint64_t seq, std::uint64_t records = 1) {
  ledger_page page{seq, {}, {}};
  for (std::uint64_t i = 0; i < records; ++i)
    page.records.append(R"({"page":)" + std::to_string(seq) + R"(,"n":)" + std::to_string(i) + "}");
  return page;
}

} // namespace

TEST_CASE("pages leave in page order whatever order they arrive in", "[ledger]") {
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::vector<std::uint64_t> arrival(50);
    std::iota(arrival.begin(), arrival.end(), 0);
    std::shuffle(arrival.begin(), arrival.end(), std::mt19937(seed));
    stream_ledger ledger("transactions");
    std::vector<std::uint64_t> released;
    for (auto seq : arrival)
      for (auto& ready : ledger.accept(page(seq), 50))
        released.push_back(ready.seq);
    std::vector<std::uint64_t> in_order(50);
    std::iota(in_order.begin(), in_order.end(), 0);
    INFO("seed " << seed);
    CHECK(released == in_order);
    CHECK(ledger.pages_held() == 0);
    CHECK(ledger.records() == 50);
  }
}

TEST_CASE("a page ahead of a missing one is held, with its records intact", "[ledger]") {
  stream_ledger ledger("payouts");
  CHECK(ledger.accept(page(1, 3), 3).empty());
  CHECK(ledger.accept(page(2, 4), 3).empty());
  CHECK(ledger.pages_held() == 2);
  auto released = ledger.accept(page(0, 2), 3);
  REQUIRE(released.size() == 3);
  CHECK(released[1].records.size() == 3);
  CHECK(released[1].records.back() == R"({"page":1,"n":2})");
  CHECK(released[2].records.size() == 4);
  CHECK(ledger.records() == 9);
}

TEST_CASE("the stream completes once every announced page has left", "[ledger]") {
  stream_ledger ledger("payouts");
  ledger.accept(page(0), 2);
  CHECK_FALSE(ledger.ready_to_complete()); // the planner has not said how many pages
  ledger.set_page_count(2);
  CHECK_FALSE(ledger.ready_to_complete()); // page 1 has not arrived
  ledger.accept(page(1), 2);
  CHECK(ledger.ready_to_complete());
  ledger.mark_complete();
  CHECK(ledger.complete());
  CHECK_FALSE(ledger.ready_to_complete()); // completes once
  auto figures = ledger.figures();
  CHECK(figures.pages_done == 2);
  CHECK(figures.complete);
}

TEST_CASE("RUNNING is reported once: with the first records, or at completion", "[ledger]") {
  stream_ledger with_records("payouts");
  with_records.accept(page(0, 0), 2);
  CHECK_FALSE(with_records.take_running_start()); // an empty page is not progress
  with_records.accept(page(1, 5), 2);
  CHECK(with_records.take_running_start());
  CHECK_FALSE(with_records.take_running_start());
  CHECK_FALSE(with_records.take_running_start(true));

  stream_ledger empty("payouts");
  empty.accept(page(0, 0), 1);
  CHECK(empty.take_running_start(true));
}

TEST_CASE("an incomplete end drops held pages and ignores later ones", "[ledger]") {
  stream_ledger ledger("transactions");
  ledger.accept(page(2), 5);
  CHECK(ledger.end_incomplete());
  CHECK_FALSE(ledger.end_incomplete()); // once
  CHECK(ledger.pages_held() == 0);
  CHECK(ledger.accept(page(0), 5).empty());
  CHECK(ledger.ended());
  CHECK_FALSE(ledger.complete());
  ledger.set_page_count(1);
  CHECK_FALSE(ledger.ready_to_complete());
}

TEST_CASE("the sync's outcome: all ended, all complete", "[ledger]") {
  auto output = [](const char* name) {
    return stream_output{stream_ledger(name),
                         checkpoint_tracker({}, 100, std::chrono::seconds(30), {})};
  };
  std::vector<stream_output> streams{output("payouts"), output("transactions")};
  streams[0].pages.set_page_count(0);
  streams[0].pages.mark_complete();
  CHECK_FALSE(all_ended(streams));
  streams[1].pages.end_incomplete();
  CHECK(all_ended(streams));
  CHECK_FALSE(all_complete(streams));
  CHECK(figures_of(streams).size() == 2);
}
