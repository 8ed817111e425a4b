#include "actors/stream_planner.hpp"

#include "actors/deterministic_system.hpp"
#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/stream_catalog.hpp"

#include <catch2/catch.hpp>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;
using klarna::testing::recording;

namespace {

// A planner for payouts with 10 records a page, 3 credits and a bound on unwritten
// bytes; recorders stand in for the fetcher and the emitter.
struct planner_under_test {
  deterministic_system runtime;
  std::shared_ptr<recording> fetcher_log = std::make_shared<recording>();
  std::shared_ptr<recording> emitter_log = std::make_shared<recording>();
  std::shared_ptr<recording> reporter_log = std::make_shared<recording>();
  planner_actor planner;

  explicit planner_under_test(logic::stream_start start = {},
                              std::uint64_t held_bytes_limit = 64 << 20) {
    actors::planner_settings settings;
    settings.start = std::move(start);
    settings.stream_index = 0;
    settings.definition = protocol::find_stream("payouts");
    settings.api_base_url = "https://api.test/";
    settings.page_size = 10;
    settings.credits = 3;
    settings.held_bytes_limit = held_bytes_limit;
    auto& system = runtime.system();
    // Stopped at the end: the fetch_page requests the recorder keeps hold the planner.
    planner = runtime.stop_at_end(actors::spawn_stream_planner(
      system, settings, caf::actor_cast<fetcher_actor>(runtime.recorder(fetcher_log)),
      caf::actor_cast<emitter_actor>(runtime.recorder(emitter_log)),
      caf::actor_cast<messages::reporter_actor>(runtime.recorder(reporter_log))));
    caf::anon_send(planner, start_atom::value);
    runtime.run();
  }

  // The fetcher's answer to the request for page `seq`: the records from listing
  // offset `offset` (10, or what is left) of a collection of `total`; the first
  // record padded with `padding` bytes.
  void page_parsed(std::uint64_t seq, std::int64_t total, std::int64_t offset = 0,
                   std::size_t padding = 0) {
    logic::parsed_page page;
    auto count = std::min<std::int64_t>(10, total - offset);
    for (auto n = offset; n < offset + count; ++n)
      page.records.append(R"({"n":)" + std::to_string(n) + R"(,"pad":")"
                          + std::string(n == offset ? padding : 0, 'x') + "\"}");
    page.pagination.count = count;
    page.pagination.total = total;
    fetch_result result;
    result.parsed = std::move(page);
    answer_fetch(seq, std::move(result));
  }

  // The fetcher's answer to the request for page `seq` that is not answered yet.
  void answer_fetch(std::uint64_t seq, fetch_result result) {
    fetcher_log->answer_if<fetch_page>([seq](const fetch_page& page) { return page.seq == seq; },
                                       [result](const fetch_page& page) {
                                         auto answer = result;
                                         answer.page = page;
                                         return answer;
                                       });
    runtime.run();
  }

  // The emitter's answer to every page_records not answered yet: the sink wrote
  // those pages, each a credit with its bytes.
  void pages_written() {
    emitter_log->answer<page_records>(
      [](const page_records& page) { return page_credit{1, page.page.records.bytes()}; });
    runtime.run();
  }

  std::vector<std::uint64_t> fetched_seqs() const {
    std::vector<std::uint64_t> seqs;
    for (const auto& fetch : fetcher_log->all<fetch_page>())
      seqs.push_back(fetch.seq);
    return seqs;
  }
};

} // namespace

TEST_CASE("the planner asks for page 0 alone until the collection's size is known",
          "[planner]") {
  planner_under_test test;
  auto fetches = test.fetcher_log->all<fetch_page>();
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].seq == 0);
  CHECK(fetches[0].url == "https://api.test/settlements/v1/payouts?offset=0&size=10");
  CHECK(fetches[0].definition->name == "payouts");
}

TEST_CASE("once the total is known, pages go out only while credits last", "[planner]") {
  planner_under_test test;
  test.page_parsed(0, 100); // page 0, then 10 pages of 9 new records each
  // 3 credits: page 0 used one, two more go out now.
  CHECK(test.fetched_seqs() == std::vector<std::uint64_t>{0, 1, 2});
  auto records = test.emitter_log->all<page_records>();
  REQUIRE(records.size() == 1);
  CHECK(records[0].page.records.size() == 10);
  CHECK(records[0].pages_known == 11);

  // Written, page 0 returns its credit: one more page goes out.
  test.pages_written();
  CHECK(test.fetched_seqs() == std::vector<std::uint64_t>{0, 1, 2, 3});
}

TEST_CASE("the stream finishes when its last page arrived", "[planner]") {
  planner_under_test test;
  test.page_parsed(0, 19); // 2 pages: 0..9, then 9..18 repeating record 9
  CHECK(test.emitter_log->all<stream_finished>().empty());
  test.page_parsed(1, 19, 9);
  auto finished = test.emitter_log->all<stream_finished>();
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].page_count == 2);
  auto records = test.emitter_log->all<page_records>();
  REQUIRE(records.size() == 2);
  CHECK(records[1].page.records.size() == 9);
}

TEST_CASE("a page that cannot be had fails the stream once, with its report", "[planner]") {
  planner_under_test test;
  test.page_parsed(0, 100);
  fetch_result gave_up;
  gave_up.failure = {config::failure_type::transient_error, "gave up on page 2", "503"};
  test.answer_fetch(2, gave_up);
  gave_up.failure = {config::failure_type::transient_error, "again", ""};
  test.answer_fetch(1, gave_up);
  auto failed = test.emitter_log->all<stream_failed>();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].report.message == "gave up on page 2");
  CHECK(failed[0].report.internal_message == "503");
  // A failed stream asks for nothing more, credits or not.
  auto fetched = test.fetched_seqs().size();
  test.pages_written();
  CHECK(test.fetched_seqs().size() == fetched);
}

TEST_CASE("a resumed listing whose total changed is read again from 0, with a warning",
          "[planner]") {
  logic::stream_start start;
  start.offset = 50;
  start.expected_total = 100;
  planner_under_test test(start);
  auto first = test.fetcher_log->all<fetch_page>();
  REQUIRE(first.size() == 1);
  CHECK(first[0].url == "https://api.test/settlements/v1/payouts?offset=50&size=10");
  test.page_parsed(0, 120, 50);
  CHECK(test.emitter_log->all<page_records>().empty()); // the page at offset 50 is dropped
  CHECK(test.emitter_log->count<stream_restarted>() == 1);
  auto warnings = test.reporter_log->all<log_entry>();
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message, Catch::Contains("held 100 records") && Catch::Contains("now holds 120"));
  auto fetches = test.fetcher_log->all<fetch_page>();
  REQUIRE(fetches.size() == 2);
  CHECK(fetches[1].url == "https://api.test/settlements/v1/payouts?offset=0&size=10");
  // The dropped page's credit came back: three pages may go out again.
  test.page_parsed(0, 120);
  CHECK(test.fetched_seqs().size() == 4);
}

TEST_CASE("a page larger than the byte bound stops fetching until the sink has written it",
          "[planner]") {
  planner_under_test test(logic::stream_start{}, 1 << 20);
  // Page 0 carries 60 MiB of records: one page in flight is allowed, then nothing
  // more while it waits for the sink, however many page credits are left.
  test.page_parsed(0, 100, 0, 60u << 20);
  CHECK(test.fetched_seqs() == std::vector<std::uint64_t>{0});
  test.pages_written();
  CHECK(test.fetched_seqs() == std::vector<std::uint64_t>{0, 1, 2, 3});
}
