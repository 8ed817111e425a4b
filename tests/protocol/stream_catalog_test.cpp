#include "protocol/stream_catalog.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

using namespace klarna::protocol;

TEST_CASE("the catalog lists payouts and summaries with primary keys, transactions without", "[catalog]") {
  auto catalog = airbyte_catalog().as_object();
  auto& streams = catalog["streams"].as_array();
  REQUIRE(streams.size() == 3);
  auto& payouts = streams[0].as_object();
  CHECK(payouts["name"] == "payouts");
  CHECK(payouts["source_defined_primary_key"] == boost::json::parse(R"([["payment_reference"]])"));
  CHECK(payouts["supported_sync_modes"] == boost::json::parse(R"(["full_refresh","incremental"])"));
  CHECK(payouts["default_cursor_field"] == boost::json::parse(R"(["payout_date"])"));
  CHECK(payouts["source_defined_cursor"] == true);
  CHECK(payouts["is_resumable"] == true);
  auto& transactions = streams[1].as_object();
  CHECK(transactions["name"] == "transactions");
  CHECK_FALSE(transactions.contains("source_defined_primary_key"));
  CHECK(transactions["supported_sync_modes"] == boost::json::parse(R"(["full_refresh","incremental"])"));
  CHECK(transactions["default_cursor_field"] == boost::json::parse(R"(["payment_reference"])"));
  CHECK(transactions["is_resumable"] == true);
  auto& summaries = streams[2].as_object();
  CHECK(summaries["name"] == "payout_summaries");
  CHECK(summaries["source_defined_primary_key"]
        == boost::json::parse(R"([["summary_settlement_currency"],["summary_payout_date_start"]])"));
  CHECK(summaries["default_cursor_field"] == boost::json::parse(R"(["summary_payout_date_start"])"));
  auto& fields = summaries["json_schema"].at("properties").as_object();
  CHECK(fields.size() == 14);
  CHECK(fields["summary_total_repay_amount"].at("type") == "integer");
  CHECK(summaries["json_schema"].at("required").as_array().size() == 14);
}

TEST_CASE("schemas follow the OpenAPI objects: types, formats, enums, nullability", "[catalog]") {
  auto payout = stream_json_schema(*find_stream("payouts")).as_object();
  CHECK(payout["additionalProperties"] == true);
  auto& props = payout["properties"].as_object();
  CHECK(props["payment_reference"].at("type") == "string");
  CHECK(props["payout_date"].at("format") == "date-time");
  CHECK(props["transactions"].at("type") == boost::json::parse(R"(["null","string"])"));
  auto& totals = props["totals"].as_object();
  CHECK(totals["properties"].at("sale_amount").at("type") == "integer");
  CHECK(totals["properties"].at("tax_amount").at("type") == boost::json::parse(R"(["null","integer"])"));
  CHECK(totals["properties"].as_object().size() == 18);

  auto transaction = stream_json_schema(*find_stream("transactions")).as_object();
  auto& fields = transaction["properties"].as_object();
  // Every property of the OpenAPI Transaction, and the three Airbyte's and Fivetran's
  // schemas add.
  CHECK(fields.size() == 30);
  CHECK(fields["consumer_vat"].at("type") == boost::json::parse(R"(["null","array"])"));
  CHECK(fields["merchant_id"].at("type") == boost::json::parse(R"(["null","string"])"));
  CHECK(fields["amount"].at("type") == "integer");
  CHECK(fields["order_id"].at("format") == "uuid");
  // Documented values are named in the description, not enforced: Klarna adds values.
  CHECK_FALSE(fields["type"].as_object().contains("enum"));
  CHECK_FALSE(fields["detailed_type"].as_object().contains("enum"));
  auto type_text = std::string(fields["type"].at("description").as_string());
  CHECK_THAT(type_text, Catch::Contains("SALE, REVERSAL") && Catch::Contains("RELEASE; Klarna may add others"));
  // The OpenAPI document's 43 detailed types and the 4 the settlement-report page adds.
  auto detailed = std::string(fields["detailed_type"].at("description").as_string());
  auto known = detailed.substr(detailed.find("Known values: "));
  CHECK(std::count(known.begin(), known.end(), ',') == 46);
  CHECK_THAT(detailed, Catch::Contains("LIABILITY_TRANSFER") && Catch::Contains("CASH_ADVANCE_FEES"));
  CHECK(fields["payment_reference"].at("type") == boost::json::parse(R"(["null","string"])"));
}

namespace {

// Every property of `schema`, nested ones too, by dotted path.
void collect_properties(const boost::json::object& schema, const std::string& prefix,
                        std::vector<std::pair<std::string, boost::json::object>>& out) {
  if (!schema.contains("properties"))
    return;
  for (const auto& [name, property] : schema.at("properties").as_object()) {
    auto path = prefix + std::string(name);
    out.emplace_back(path, property.as_object());
    collect_properties(property.as_object(), path + ".", out);
  }
}

} // namespace

TEST_CASE("every property says what it is; every amount says it is in minor units",
          "[catalog]") {
  for (const auto& stream : all_streams()) {
    std::vector<std::pair<std::string, boost::json::object>> properties;
    collect_properties(stream_json_schema(stream).as_object(), "", properties);
    REQUIRE(properties.size() > 10);
    for (const auto& [path, property] : properties) {
      CAPTURE(stream.name, path);
      REQUIRE(property.contains("description"));
      auto text = std::string(property.at("description").as_string());
      CHECK(text.size() > 10);
      bool amount = path == "amount" || (path.size() > 7 && path.substr(path.size() - 7) == "_amount");
      if (amount)
        CHECK_THAT(text, Catch::Contains(stream.name == "payout_summaries"
                                           ? "minor units of summary_settlement_currency"
                                           : "minor units of currency_code"));
    }
  }
}
