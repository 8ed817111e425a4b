#include "protocol/stream_catalog.hpp"
#include "stores/record_lines.hpp"
#include "stores/table_layout.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace klarna::stores;

namespace {

const table_column* column_named(const table_layout& layout, const std::string& name) {
  for (const auto& column : layout.columns)
    if (column.name == name)
      return &column;
  return nullptr;
}

} // namespace

TEST_CASE("payouts get a typed column per scalar field and the totals flattened", "[sinks]") {
  auto* payouts = klarna::protocol::find_stream("payouts");
  auto layout = layout_for("payouts", klarna::protocol::stream_json_schema(*payouts),
                           {"payment_reference"});
  CHECK(layout.table == "payouts");
  CHECK(layout.primary_key == std::vector<std::string>{"payment_reference"});
  REQUIRE(column_named(layout, "payment_reference"));
  CHECK(column_named(layout, "payment_reference")->kind == table_column::type::text);
  REQUIRE(column_named(layout, "totals_sale_amount"));
  CHECK(column_named(layout, "totals_sale_amount")->kind == table_column::type::integer);
  CHECK(column_named(layout, "totals_sale_amount")->path
        == std::vector<std::string>{"totals", "sale_amount"});
  CHECK_FALSE(column_named(layout, "totals")); // the object itself lives in _record
}

TEST_CASE("column values come from their path; absent and null are the same", "[sinks]") {
  table_column amount{"amount", {"amount"}, table_column::type::integer};
  table_column sale{"totals_sale_amount", {"totals", "sale_amount"}, table_column::type::integer};
  auto record = boost::json::parse(R"({"amount":9007199254740993,"totals":{"sale_amount":5},"n":null})");
  const auto& object = record.as_object();
  CHECK(column_value(object, amount)->as_int64() == 9007199254740993);
  CHECK(column_value(object, sale)->as_int64() == 5);
  CHECK_FALSE(column_value(object, {"n", {"n"}, table_column::type::text}));
  CHECK_FALSE(column_value(object, {"x", {"totals", "x"}, table_column::type::text}));
  CHECK_FALSE(column_value(object, {"y", {"amount", "y"}, table_column::type::text}));
}

TEST_CASE("record data comes out of RECORD lines unchanged, in order", "[sinks]") {
  std::string lines =
    "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payouts\",\"data\":{\"a\":\",\\\"data\\\":\"},"
    "\"emitted_at\":1}}\n"
    "{\"type\":\"RECORD\",\"record\":{\"stream\":\"payouts\",\"data\":{\"b\":[1,2]},\"emitted_at\":2}}\n";
  std::vector<std::string> data;
  for_each_record_data(lines, [&](std::string_view record) { data.emplace_back(record); });
  CHECK(data == std::vector<std::string>{"{\"a\":\",\\\"data\\\":\"}", "{\"b\":[1,2]}"});
}
