#include "protocol/stream_catalog.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace klarna::protocol {

namespace {

// One property of an OpenAPI object, as the schema needs it.
struct field_spec {
  const char* name;
  const char* type;   // JSON schema type
  const char* format; // "" when none
  bool required;      // required in the OpenAPI document; others are nullable
  std::vector<const char*> enum_values = {};
};

boost::json::value property_schema(const field_spec& field) {
  boost::json::object schema;
  if (field.required) {
    schema["type"] = field.type;
  } else {
    schema["type"] = boost::json::array{"null", field.type};
  }
  if (*field.format != '\0')
    schema["format"] = field.format;
  if (std::string(field.format) == "date-time")
    schema["airbyte_type"] = "timestamp_with_timezone";
  if (!field.enum_values.empty()) {
    boost::json::array values;
    for (auto* v : field.enum_values)
      values.emplace_back(v);
    if (!field.required)
      values.emplace_back(nullptr);
    schema["enum"] = std::move(values);
  }
  return schema;
}

boost::json::object object_schema(const std::vector<field_spec>& fields) {
  boost::json::object properties;
  boost::json::array required;
  for (const auto& field : fields) {
    properties[field.name] = property_schema(field);
    if (field.required)
      required.emplace_back(field.name);
  }
  boost::json::object schema;
  schema["type"] = "object";
  schema["additionalProperties"] = true;
  schema["required"] = std::move(required);
  schema["properties"] = std::move(properties);
  return schema;
}

// Totals object of a Payout (OpenAPI: Totals). fee_correction_amount is the one
// field the document does not require.
boost::json::object totals_schema() {
  const char* required_amounts[] = {
    "commission_amount",  "repay_amount",       "sale_amount",
    "holdback_amount",    "tax_amount",         "settlement_amount",
    "reversal_amount",    "release_amount",     "return_amount",
    "fee_amount",         "charge_amount",      "credit_amount",
    "fee_refund_amount",  "tax_refund_amount",  "deposit_amount",
    "opening_debt_balance_amount", "closing_debt_balance_amount"};
  std::vector<field_spec> fields;
  for (auto* name : required_amounts)
    fields.push_back({name, "integer", "", std::string(name) != "tax_amount"});
  fields.push_back({"fee_correction_amount", "integer", "", false});
  return object_schema(fields);
}

boost::json::object payout_schema() {
  auto schema = object_schema({
    {"payment_reference", "string", "", true},
    {"payout_date", "string", "date-time", true},
    {"currency_code", "string", "", true},
    {"currency_code_of_registration_country", "string", "", false},
    {"merchant_settlement_type", "string", "", true, {"GROSS", "NET", "GROSS_FEE"}},
    {"merchant_id", "string", "", true},
    {"transactions", "string", "", false},
  });
  schema["properties"].as_object()["totals"] = totals_schema();
  schema["required"].as_array().emplace_back("totals");
  return schema;
}

boost::json::object transaction_schema() {
  return object_schema({
    {"amount", "integer", "", true},
    {"capture_id", "string", "", false},
    {"merchant_reference1", "string", "", false},
    {"sale_date", "string", "date-time", true},
    {"type", "string", "", true,
     {"COMMISSION", "SALE", "REVERSAL", "RETURN", "TAX", "FEE", "FEE_REFUND",
      "CORRECTION", "REVERSAL_MERCHANT_PROTECTION", "CHARGE", "CREDIT", "HOLDBACK",
      "RELEASE"}},
    {"capture_date", "string", "date-time", true},
    {"payment_reference", "string", "", false},
    {"order_id", "string", "uuid", true},
    {"payout", "string", "", false},
    {"refund_id", "string", "", false},
    {"short_order_id", "string", "", false},
    {"merchant_reference2", "string", "", false},
    {"currency_code", "string", "", true},
    {"purchase_country", "string", "", true},
    {"vat_rate", "integer", "", false},
    {"vat_amount", "integer", "", false},
    {"shipping_country", "string", "", false},
    {"initial_payment_method_type", "string", "", false},
    {"initial_number_of_installments", "integer", "", false},
    {"initial_payment_method_monthly_downpayments", "integer", "", false},
    {"merchant_capture_reference", "string", "", false},
    {"merchant_refund_reference", "string", "", false},
    {"detailed_type", "string", "", false,
     {"COMMISSION", "CREDITED_CORRECTION", "PURCHASE_FEE_PERCENTAGE",
      "PURCHASE_FEE_PERCENTAGE_REFUND", "LATE_RETURN_FEE", "PURCHASE_FEE_FIXED",
      "EXPIRY_FEE_GROSS", "EXPIRY_FEE", "SERVICING_FEE", "RETURN_FEE",
      "EXTRA_INVOICE_FEE", "PURCHASE_RETURN", "COMMISSION_RETURN", "REVERSAL",
      "FRAUD_POLICY_CHARGE", "COMMISSION_RETURN_GROSS", "FRAUD_POLICY_CREDIT_NET",
      "PURCHASE", "MANUAL_ENTRY", "LOAN_PAYOUT", "LOAN_AMORTISATION", "LOAN_FEE",
      "FEE_REFUND", "PURCHASE_COMMISSION_PERCENTAGE", "EXTEND_DUE_DATE_FEE",
      "TRANSFER_FROM_LEGACY_INTEGRATION", "FIXED_FEE_CORRECTION_UK",
      "PERCENTAGE_FEE_CORRECTION_UK", "VAT_ON_FEE_CORRECTION_UK",
      "FIXED_FEE_CORRECTION_SE", "PERCENTAGE_FEE_CORRECTION_SE",
      "PERCENTAGE_FEE_CORRECTION", "FIXED_FEE_CORRECTION", "ROLLING_RESERVE",
      "PERCENTAGE_FEES", "PAYMENT_REMINDER", "CORRECTION", "UNDER_REVIEW",
      "INSUFFICIENT_BANK_ACCOUNT_DETAILS", "DISPUTE_FEE", "DISPUTE_FEE_REFUND",
      "CORRECTION_DISPUTE", "PAYMENT_DEFAULT"}},
    {"tax_in_currency_of_registration_country", "integer", "", false},
    {"currency_code_of_registration_country", "string", "", false},
    {"klarna_comment", "string", "", false},
    {"reversal_reference", "string", "", false},
  });
}

// OpenAPI: PayoutSummary, every field required.
boost::json::object payout_summary_schema() {
  static const std::vector<std::string> totals = [] {
    std::vector<std::string> names;
    for (const char* total : {"fee_correction", "release", "tax", "settlement", "holdback",
                              "reversal", "return", "fee", "commission", "sale", "repay"})
      names.push_back(std::string("summary_total_") + total + "_amount");
    return names;
  }();
  std::vector<field_spec> fields = {
    {"summary_settlement_currency", "string", "", true},
    {"summary_payout_date_start", "string", "date-time", true},
    {"summary_payout_date_end", "string", "date-time", true},
  };
  for (const auto& name : totals)
    fields.push_back({name.c_str(), "integer", "", true});
  return object_schema(fields);
}

} // namespace

const std::vector<stream_definition>& all_streams() {
  static const std::vector<stream_definition> streams = {
    {"payouts", "settlements/v1/payouts", "payouts", {{"payment_reference"}}, true,
     incremental_by::payout_date, "payout_date"},
    {"transactions", "settlements/v1/transactions", "transactions", {}, false,
     incremental_by::payout, "payment_reference"},
    {"payout_summaries", "settlements/v1/payouts/summary", "",
     {{"summary_settlement_currency"}, {"summary_payout_date_start"}}, true, incremental_by::month,
     "summary_payout_date_start"},
  };
  return streams;
}

const stream_definition* find_stream(const std::string& name) {
  for (const auto& stream : all_streams())
    if (stream.name == name)
      return &stream;
  return nullptr;
}

boost::json::value stream_json_schema(const stream_definition& stream) {
  auto schema = stream.name == "payouts"        ? payout_schema()
                : stream.name == "transactions" ? transaction_schema()
                                                : payout_summary_schema();
  schema["$schema"] = "http://json-schema.org/draft-07/schema#";
  return schema;
}

boost::json::value airbyte_catalog() {
  boost::json::array streams;
  for (const auto& stream : all_streams()) {
    boost::json::object entry;
    entry["name"] = stream.name;
    entry["json_schema"] = stream_json_schema(stream);
    boost::json::array modes{"full_refresh"};
    if (stream.supports_incremental()) {
      modes.emplace_back("incremental");
      entry["default_cursor_field"] = boost::json::array{stream.cursor_field.c_str()};
    }
    entry["supported_sync_modes"] = std::move(modes);
    // Every stream checkpoints its listing, so a cut read resumes (full refresh
    // included); the protocol asks for source_defined_cursor with is_resumable.
    entry["source_defined_cursor"] = true;
    entry["is_resumable"] = true;
    if (!stream.primary_key.empty()) {
      boost::json::array keys;
      for (const auto& path : stream.primary_key) {
        boost::json::array parts;
        for (const auto& part : path)
          parts.emplace_back(part);
        keys.emplace_back(std::move(parts));
      }
      entry["source_defined_primary_key"] = std::move(keys);
    }
    streams.emplace_back(std::move(entry));
  }
  return boost::json::object{{"streams", std::move(streams)}};
}

} // namespace klarna::protocol
