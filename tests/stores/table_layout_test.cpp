#include "protocol/stream_catalog.hpp"
#include "stores/record_fields.hpp"
#include "stores/table_layout.hpp"
#include "stores/table_store.hpp"

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

TEST_CASE("column values come from their path in one pass; absent and null are the same",
          "[sinks]") {
  table_layout layout{"t",
                      {{"amount", {"amount"}, table_column::type::integer},
                       {"totals_sale_amount", {"totals", "sale_amount"}, table_column::type::integer},
                       {"n", {"n"}, table_column::type::text},
                       {"x", {"totals", "x"}, table_column::type::text},
                       {"name", {"name"}, table_column::type::text},
                       {"big", {"big"}, table_column::type::integer},
                       {"rate", {"rate"}, table_column::type::real},
                       {"flag", {"flag"}, table_column::type::boolean},
                       {"list", {"list"}, table_column::type::text}},
                      {}};
  record_fields fields(layout);
  fields.read(R"({"amount":9007199254740993,"totals":{"sale_amount":5,"deep":{"x":"no"}},"n":null,
                  "name":"Gr\u00f6\u00dfe \"q\"","big":18446744073709551615,"rate":0.25,
                  "flag":true,"list":["a",{"name":"inner"}],"x":"top, not totals.x"})");
  using type = field_value::type;
  const auto& values = fields.values();
  CHECK(values[0].kind == type::integer);
  CHECK(values[0].integer == 9007199254740993);
  CHECK(values[1].integer == 5);
  CHECK(values[2].kind == type::null); // null
  CHECK(values[3].kind == type::null); // absent
  CHECK(values[4].kind == type::text);
  CHECK(values[4].text == "Größe \"q\"");
  CHECK(values[5].kind == type::big_integer);
  CHECK(values[5].text == "18446744073709551615");
  CHECK(values[6].real == 0.25);
  CHECK(values[7].kind == type::boolean);
  CHECK(values[7].integer == 1);
  CHECK(values[8].kind == type::null); // an array where a scalar belongs
  // The next record starts from nothing; the last of two equal keys counts.
  fields.read(R"({"amount":1,"amount":2})");
  CHECK(values[0].integer == 2);
  CHECK(values[4].kind == type::null);
  CHECK_THROWS_AS(fields.read(R"({"amount":)"), store_error);
}

TEST_CASE("columns are found whatever order the keys come in from record to record",
          "[sinks]") {
  table_layout layout{"t",
                      {{"amount", {"amount"}, table_column::type::integer},
                       {"totals_fee", {"totals", "fee"}, table_column::type::integer},
                       {"name", {"name"}, table_column::type::text}},
                      {}};
  record_fields fields(layout);
  const auto& values = fields.values();
  fields.read(R"({"amount":1,"totals":{"fee":10},"name":"a"})");
  CHECK((values[0].integer == 1 && values[1].integer == 10 && values[2].text == "a"));
  // Other keys, another order.
  fields.read(R"({"name":"b","amount":2,"other":{"fee":99},"totals":{"fee":20}})");
  CHECK((values[0].integer == 2 && values[1].integer == 20 && values[2].text == "b"));
  // A "fee" inside another object is no column.
  fields.read(R"({"name":"c","amount":3,"other":{"fee":99}})");
  CHECK((values[0].integer == 3 && values[2].text == "c"));
  CHECK(values[1].kind == field_value::type::null);
  // An escaped key is the same key.
  fields.read(R"({"amount":4,"totals":{"fee":40}})");
  CHECK((values[0].integer == 4 && values[1].integer == 40));
  CHECK(values[2].kind == field_value::type::null);
}

