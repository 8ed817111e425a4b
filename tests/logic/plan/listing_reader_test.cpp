#include "logic/plan/listing_reader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace klarna::logic;
using klarna::config::failure_type;

namespace {

// A listing as a server holds it: record ids in listing order. Answers carry a
// different emitted_at each time, as the parser's pages do.
struct fake_listing {
  std::vector<int> ids;
  std::int64_t emitted_at = 1;

  parsed_page answer(std::int64_t offset, std::int64_t size) {
    parsed_page page;
    page.records = klarna::protocol::record_batch(emitted_at++);
    auto total = static_cast<std::int64_t>(ids.size());
    auto end = std::min(total, offset + size);
    for (auto i = offset; i < end; ++i)
      page.records.append(R"({"id":)" + std::to_string(ids[static_cast<std::size_t>(i)]) + "}");
    page.pagination.count = static_cast<std::int64_t>(page.records.size());
    page.pagination.total = total;
    if (end < total)
      page.pagination.next = "http://h/p?offset=" + std::to_string(end);
    return page;
  }
};

std::int64_t offset_in(const std::string& url) {
  return std::stoll(url.substr(url.find("offset=") + 7));
}

listing_reader make_reader(int page_size, std::int64_t first = 0, listing_reader::limits limits = {}) {
  return listing_reader("s", [](std::int64_t offset) { return "http://h/p?offset=" + std::to_string(offset); },
                        page_size, first, {}, limits);
}

std::vector<int> ids_in(const klarna::protocol::record_batch& records) {
  std::vector<int> ids;
  records.for_each([&](std::string_view record) {
    auto at = record.find("\"id\":") + 5;
    ids.push_back(std::stoi(std::string(record.substr(at, record.find_first_of(",}", at) - at))));
  });
  return ids;
}

// Collects what a reader emits, in order, checking the pages come 0, 1, 2, ...
struct collected {
  std::vector<int> ids;
  std::uint64_t next_index = 0;
  std::uint64_t dropped = 0;
  std::vector<std::string> warnings;
  std::optional<listing_failure> failure;

  void take(listing_progress progress) {
    for (auto& page : progress.pages) {
      REQUIRE(page.index == next_index++);
      auto ids_of_page = ids_in(page.page.records);
      ids.insert(ids.end(), ids_of_page.begin(), ids_of_page.end());
    }
    dropped += progress.dropped;
    warnings.insert(warnings.end(), progress.warnings.begin(), progress.warnings.end());
    if (progress.failure)
      failure = progress.failure;
  }
};

// Every request the reader has due now, in the order it gives them.
std::vector<listing_request> take_all(listing_reader& reader) {
  std::vector<listing_request> sent;
  while (auto request = reader.take_next())
    sent.push_back(*request);
  return sent;
}

// Sends the first request and answers it with the listing's first page.
void answer_first(listing_reader& reader, fake_listing& listing, std::int64_t page_size,
                  collected& out) {
  auto first = reader.take_next();
  REQUIRE(first);
  out.take(reader.on_page(first->id, listing.answer(0, page_size)));
}

std::vector<int> range(int from, int to) {
  std::vector<int> ids;
  for (int id = from; id < to; ++id)
    ids.push_back(id);
  return ids;
}

// Sends every due request and answers them at once, in order, calling `between`
// after each answer (which may change the listing).
template <typename Between>
collected read_all(listing_reader& reader, fake_listing& listing, std::int64_t page_size,
                   Between between, collected out = {}) {
  int rounds = 0;
  while (!reader.finished() && !out.failure && rounds++ < 10'000) {
    auto sent = take_all(reader);
    REQUIRE_FALSE(sent.empty());
    for (auto& request : sent) {
      out.take(reader.on_page(request.id, listing.answer(offset_in(request.url), page_size)));
      between();
    }
  }
  return out;
}

} // namespace

TEST_CASE("a listing that holds still is read once, each page repeating the previous page's last record", "[reader]") {
  fake_listing listing{range(0, 95)};
  auto reader = make_reader(10);
  auto first = reader.take_next();
  REQUIRE(first);
  CHECK(first->url == "http://h/p?offset=0");
  CHECK_FALSE(reader.take_next()); // nothing is planned before the first answer
  collected out;
  out.take(reader.on_page(first->id, listing.answer(0, 10)));
  auto sent = take_all(reader);
  std::vector<std::int64_t> offsets;
  for (auto& request : sent)
    offsets.push_back(offset_in(request.url));
  CHECK(offsets == std::vector<std::int64_t>{9, 18, 27, 36, 45, 54, 63, 72, 81, 90});
  CHECK(reader.pages_known() == 11);
  for (auto& request : sent)
    out.take(reader.on_page(request.id, listing.answer(offset_in(request.url), 10)));
  CHECK(out.ids == range(0, 95));
  CHECK(reader.finished());
  CHECK(reader.pages_known() == 11);
  CHECK(reader.moves() == 0);
}

TEST_CASE("answers in any order leave in listing order", "[reader]") {
  fake_listing listing{range(0, 50)};
  auto reader = make_reader(10);
  collected out;
  answer_first(reader, listing, 10, out);
  auto sent = take_all(reader);
  std::reverse(sent.begin(), sent.end());
  for (auto& request : sent)
    out.take(reader.on_page(request.id, listing.answer(offset_in(request.url), 10)));
  CHECK(out.ids == range(0, 50));
  CHECK(reader.finished());
}

TEST_CASE("records added at the end during the read are read once", "[reader]") {
  fake_listing listing{range(0, 40)};
  auto reader = make_reader(10);
  int answers = 0;
  auto out = read_all(reader, listing, 10, [&] {
    if (++answers == 2)
      for (int id = 1000; id < 1007; ++id)
        listing.ids.push_back(id);
  });
  auto expected = range(0, 40);
  for (int id = 1000; id < 1007; ++id)
    expected.push_back(id);
  CHECK(out.ids == expected);
  CHECK(reader.moves() == 0);
}

TEST_CASE("records added at the front during the read shift nothing into the output twice", "[reader]") {
  for (int moment = 1; moment <= 6; ++moment) {
    for (int added : {3, 9, 25}) {
      CAPTURE(moment, added);
      fake_listing listing{range(0, 50)};
      auto reader = make_reader(10);
      int answers = 0;
      auto out = read_all(reader, listing, 10, [&] {
        if (++answers == moment)
          for (int id = 0; id < added; ++id)
            listing.ids.insert(listing.ids.begin(), 1000 + id);
      });
      REQUIRE_FALSE(out.failure);
      // Every record that was there when the read began, once, in order; the new
      // ones are left to the next read.
      CHECK(out.ids == range(0, 50));
      CHECK(reader.finished());
      if (moment < 5) {
        CHECK(reader.moves() == 1);
        CHECK(out.warnings.size() == 1);
      }
    }
  }
}

TEST_CASE("records inserted in the middle are read once or left, none twice", "[reader]") {
  fake_listing listing{range(0, 60)};
  auto reader = make_reader(10);
  int answers = 0;
  auto out = read_all(reader, listing, 10, [&] {
    if (++answers == 2)
      listing.ids.insert(listing.ids.begin() + 30, {1000, 1001, 1002});
  });
  REQUIRE_FALSE(out.failure);
  auto without_new = out.ids;
  without_new.erase(std::remove_if(without_new.begin(), without_new.end(), [](int id) { return id >= 1000; }),
                    without_new.end());
  CHECK(without_new == range(0, 60));
  std::sort(out.ids.begin(), out.ids.end());
  CHECK(std::adjacent_find(out.ids.begin(), out.ids.end()) == out.ids.end());
}

TEST_CASE("a boundary that cannot be found again ends the read with a transient error", "[reader]") {
  fake_listing listing{range(0, 50)};
  auto reader = make_reader(10);
  int answers = 0;
  auto out = read_all(reader, listing, 10, [&] {
    if (++answers == 2)
      for (auto& id : listing.ids)
        id += 5000; // every record replaced
  });
  REQUIRE(out.failure);
  CHECK(out.failure->type == failure_type::transient_error);
  CHECK_THAT(out.failure->message, Catch::Contains("was not found again"));
  // What was emitted is a prefix of the listing, none twice.
  CHECK(out.ids == range(0, static_cast<int>(out.ids.size())));
}

TEST_CASE("a listing that keeps moving is given up after the allowed moves", "[reader]") {
  fake_listing listing{range(0, 500)};
  auto reader = make_reader(10, 0, {64, 2});
  int next_id = 10'000;
  auto out = read_all(reader, listing, 10, [&] { listing.ids.insert(listing.ids.begin(), next_id++); });
  REQUIRE(out.failure);
  CHECK(out.failure->type == failure_type::transient_error);
  CHECK_THAT(out.failure->message, Catch::Contains("changed 3 times"));
  CHECK(out.ids == range(0, static_cast<int>(out.ids.size())));
}

TEST_CASE("what a server says is checked before it is believed", "[reader]") {
  SECTION("more records than asked for") {
    fake_listing listing{range(0, 30)};
    auto reader = make_reader(10);
    auto first = reader.take_next();
    auto progress = reader.on_page(first->id, listing.answer(0, 30));
    REQUIRE(progress.failure);
    CHECK_THAT(progress.failure->message, Catch::Contains("more than the 10 asked for"));
  }
  SECTION("a total far beyond the records: refused at the first short page, nothing planned") {
    fake_listing listing{range(0, 30)};
    auto reader = make_reader(500);
    auto first = reader.take_next();
    auto page = listing.answer(0, 500);
    page.pagination.total = 1'000'000'000'000'000;
    auto progress = reader.on_page(first->id, std::move(page));
    REQUIRE(progress.failure);
    CHECK_THAT(progress.failure->message, Catch::Contains("a short page before the end is refused"));
    CHECK_FALSE(reader.take_next());
  }
  SECTION("a huge total on full pages is planned a window at a time") {
    fake_listing listing{range(0, 1000)};
    auto reader = make_reader(10, 0, {16, 8});
    auto first = reader.take_next();
    auto page = listing.answer(0, 10);
    page.pagination.total = 1'000'000'000'000'000;
    CHECK_FALSE(reader.on_page(first->id, std::move(page)).failure);
    int planned = 0;
    while (reader.take_next())
      ++planned;
    CHECK(planned == 16);
  }
  SECTION("an empty page before the total") {
    fake_listing listing{range(0, 30)};
    auto reader = make_reader(10);
    auto first = reader.take_next();
    parsed_page page;
    page.pagination.total = 30;
    auto progress = reader.on_page(first->id, std::move(page));
    REQUIRE(progress.failure);
    CHECK_THAT(progress.failure->message, Catch::Contains("holds 0 records of the 10"));
  }
  SECTION("a next link that leaves the listing or does not move forward") {
    for (std::string next : {"http://evil/p?offset=10", "http://h/p?offset=0", "http://h/p?offset=x"}) {
      CAPTURE(next);
      fake_listing listing{range(0, 30)};
      auto reader = make_reader(10);
      auto first = reader.take_next();
      auto page = listing.answer(0, 10);
      page.pagination.total.reset();
      page.pagination.next = next;
      auto progress = reader.on_page(first->id, std::move(page));
      REQUIRE(progress.failure);
      CHECK_THAT(progress.failure->message, Catch::Contains("it is not followed"));
    }
  }
  SECTION("a resumed offset past the listing's end is a state that is not the listing's") {
    fake_listing listing{range(0, 1030)};
    auto reader = make_reader(500, 1'000'000);
    auto first = reader.take_next();
    auto progress = reader.on_page(first->id, listing.answer(1'000'000, 500));
    REQUIRE(progress.failure);
    CHECK(progress.failure->type == failure_type::config_error);
    CHECK_THAT(progress.failure->message, Catch::Contains("offset 1000000 is past the listing's end"));
  }
  SECTION("the largest offset does not overflow") {
    auto reader = make_reader(500, std::numeric_limits<std::int64_t>::max());
    auto first = reader.take_next();
    parsed_page page;
    page.records.append(R"({"id":1})");
    page.pagination.count = 1;
    auto progress = reader.on_page(first->id, std::move(page));
    REQUIRE(progress.failure);
    CHECK_THAT(progress.failure->message, Catch::Contains("largest offset"));
  }
}

TEST_CASE("a page cut before a moved boundary reports the cursor of what it keeps", "[reader]") {
  auto reader = listing_reader(
    "payouts", [](std::int64_t offset) { return "http://h/p?offset=" + std::to_string(offset); }, 3,
    0, "payout_date");
  using record = std::pair<int, std::string>; // id, payout_date
  auto line = [](int id, const char* date) { return record{id, date}; };
  auto page = [&](std::vector<record> lines, std::int64_t total) {
    parsed_page result;
    // The parser keeps the cursor's values per record: payout_date is a key field.
    result.records = klarna::protocol::record_batch(1, {"payout_date"});
    for (auto& [id, date] : lines)
      result.records.append_written(
        [&](std::string& out) {
          out += R"({"id":)" + std::to_string(id) + R"(,"payout_date":")" + date + R"("})";
        },
        {date});
    result.pagination.count = static_cast<std::int64_t>(lines.size());
    result.pagination.total = total;
    result.max_cursor = "2030-01-01T00:00:00Z"; // what the parser saw in the whole page
    return result;
  };
  collected out;
  auto first = reader.take_next();
  out.take(reader.on_page(first->id, page({line(1, "2024-01-01T00:00:00Z"), line(2, "2024-01-02T00:00:00Z"),
                                           line(3, "2024-01-03T00:00:00Z")}, 5)));
  auto second = reader.take_next();
  REQUIRE(offset_in(second->url) == 2);
  // A record (id 9, dated 2030) was inserted before the boundary (id 3): the page at
  // offset 2 starts with it, the boundary comes next.
  auto progress = reader.on_page(second->id, page({line(9, "2030-01-01T00:00:00Z"), line(3, "2024-01-03T00:00:00Z"),
                                                   line(4, "2024-01-04T00:00:00Z")}, 6));
  REQUIRE_FALSE(progress.failure);
  REQUIRE(progress.pages.size() == 1);
  CHECK(ids_in(progress.pages[0].page.records) == std::vector<int>{4});
  CHECK(progress.pages[0].page.max_cursor == std::optional<std::string>("2024-01-04T00:00:00Z"));
}

TEST_CASE("after a move the page the read waits for is due, whatever holds the credits", "[reader]") {
  fake_listing listing{range(0, 100)};
  auto reader = make_reader(10);
  collected out;
  answer_first(reader, listing, 10, out);
  std::vector<listing_request> sent;
  for (int i = 0; i < 3; ++i)
    sent.push_back(*reader.take_next()); // offsets 9, 18, 27
  CHECK_FALSE(reader.frontier_due());    // the page after the verified part is on the way
  for (int id = 0; id < 25; ++id)
    listing.ids.insert(listing.ids.begin(), 1000 + id); // more than a page, at the front
  out.take(reader.on_page(sent[2].id, listing.answer(27, 10)));
  out.take(reader.on_page(sent[1].id, listing.answer(18, 10)));
  out.take(reader.on_page(sent[0].id, listing.answer(9, 10))); // the boundary is not in it
  REQUIRE_FALSE(out.failure);
  CHECK(reader.moves() == 1);
  CHECK(reader.frontier_due()); // the probe must go out even with no credit left
  auto probe = reader.take_next();
  REQUIRE(probe);
  CHECK(offset_in(probe->url) == 27); // where the boundary went, ending on a planned page
  out.take(reader.on_page(probe->id, listing.answer(27, 10)));
  CHECK(out.dropped == 2);      // the pages answered ahead of the probe hold nothing new
  CHECK(reader.frontier_due()); // and the next page is the one the read waits for
  out = read_all(reader, listing, 10, [] {}, out);
  CHECK(out.ids == range(0, 100));
}

TEST_CASE("an answer from before the move that comes after it is asked for again", "[reader]") {
  fake_listing listing{range(0, 30)};
  auto reader = make_reader(10);
  collected out;
  answer_first(reader, listing, 10, out);
  auto sent = take_all(reader); // offsets 9, 18, 27
  REQUIRE(sent.size() == 3);
  auto stale = listing.answer(18, 10); // answered before the move, arriving late
  for (int id = 0; id < 4; ++id)
    listing.ids.insert(listing.ids.begin(), 1000 + id);
  out.take(reader.on_page(sent[0].id, listing.answer(9, 10))); // moved: found again
  out.take(reader.on_page(sent[1].id, std::move(stale)));      // older than the boundary
  REQUIRE_FALSE(out.failure);
  auto again = reader.take_next();
  REQUIRE(again);
  CHECK(offset_in(again->url) == 18);
  out.take(reader.on_page(again->id, listing.answer(18, 10)));
  out.take(reader.on_page(sent[2].id, listing.answer(27, 10)));
  out = read_all(reader, listing, 10, [] {}, out);
  REQUIRE_FALSE(out.failure);
  CHECK(out.ids == range(0, 30));
}

TEST_CASE("a total that jumps to the largest offset after a move ends the read cleanly", "[reader]") {
  fake_listing listing{range(0, 30)};
  auto reader = make_reader(10);
  collected out;
  answer_first(reader, listing, 10, out);
  auto second = reader.take_next();
  auto answer = listing.answer(9, 10);
  parsed_page page; // the boundary gone: its records 1.. and again 1
  page.pagination = answer.pagination;
  for (std::size_t i = 1; i < answer.records.size(); ++i)
    page.records.append(answer.records[i]);
  page.records.append(answer.records[1]);
  page.pagination.total = std::numeric_limits<std::int64_t>::max();
  out.take(reader.on_page(second->id, std::move(page)));
  REQUIRE_FALSE(out.failure);
  auto probe = reader.take_next(); // where that total says the boundary went
  REQUIRE(probe);
  CHECK(offset_in(probe->url) > 0);
  out.take(reader.on_page(probe->id, listing.answer(offset_in(probe->url), 10)));
  auto again = reader.take_next();
  if (again)
    out.take(reader.on_page(again->id, listing.answer(offset_in(again->url), 10)));
  REQUIRE(out.failure);
  CHECK(out.failure->type == failure_type::transient_error);
  CHECK(out.ids == range(0, 10));
}

TEST_CASE("answers held ahead of a missing page count their bytes until they are verified",
          "[reader]") {
  fake_listing listing{range(0, 50)};
  auto reader = make_reader(10);
  collected out;
  answer_first(reader, listing, 10, out);
  auto sent = take_all(reader);
  REQUIRE(sent.size() == 5); // offsets 9, 18, 27, 36, 45
  CHECK(reader.held_bytes() == 0);
  // Every answer but the first one's arrives: all are held, waiting for it.
  std::uint64_t bytes = 0;
  for (std::size_t i = 1; i < sent.size(); ++i) {
    auto page = listing.answer(offset_in(sent[i].url), 10);
    bytes += page.records.bytes();
    out.take(reader.on_page(sent[i].id, std::move(page)));
  }
  CHECK(out.ids.size() == 10);
  CHECK(reader.held_bytes() == bytes);
  // The missing one arrives: every held answer is verified and handed on.
  out.take(reader.on_page(sent[0].id, listing.answer(offset_in(sent[0].url), 10)));
  CHECK(reader.finished());
  CHECK(out.ids == range(0, 50));
  CHECK(reader.held_bytes() == 0);
}
