#include "protocol/record_batch.hpp"

#include <catch2/catch.hpp>

using klarna::protocol::record_batch;

TEST_CASE("a record batch gives its records back in order, byte for byte", "[batch]") {
  record_batch records(42);
  records.append(R"({"a":1})");
  records.append(R"({"s":"x\"y"})");
  records.append("{}");
  CHECK(records.emitted_at_ms() == 42);
  REQUIRE(records.size() == 3);
  CHECK(records.front() == R"({"a":1})");
  CHECK(records[1] == R"({"s":"x\"y"})");
  CHECK(records.back() == "{}");
  CHECK(records.bytes() == 7 + 12 + 2);
  std::vector<std::string> seen;
  records.for_each([&](std::string_view record) { seen.emplace_back(record); });
  CHECK(seen == std::vector<std::string>{R"({"a":1})", R"({"s":"x\"y"})", "{}"});
}

TEST_CASE("records dropped from the front leave the rest, their keys and bytes", "[batch]") {
  record_batch records(1, {"payment_reference", "payout_date"});
  records.append_written([](std::string& out) { out += R"({"r":1})"; }, {"one", "2024-01-01"});
  records.append_written([](std::string& out) { out += R"({"r":22})"; }, {"two"});
  records.append_written([](std::string& out) { out += R"({"r":333})"; }, {std::nullopt, "2024-01-03"});
  CHECK(records.key(1, "payout_date") == std::nullopt); // not given: absent
  records.drop_front(1);
  REQUIRE(records.size() == 2);
  CHECK(records.front() == R"({"r":22})");
  CHECK(records.bytes() == 8 + 9);
  CHECK(records.key(0, "payment_reference") == std::optional<std::string>("two"));
  CHECK(records.key(1, "payment_reference") == std::nullopt);
  CHECK(records.key(1, "payout_date") == std::optional<std::string>("2024-01-03"));
  CHECK(records.key(0, "amount") == std::nullopt); // not a key field
  records.drop_front(5); // more than it holds: empty, not past the end
  CHECK(records.empty());
  CHECK(records.bytes() == 0);
}
