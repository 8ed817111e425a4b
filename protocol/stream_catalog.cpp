#include "protocol/stream_catalog.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace klarna::protocol {

namespace {

// One property of an OpenAPI object, as the schema needs it.
struct field_spec {
  std::string name;
  const char* type;   // JSON schema type
  const char* format; // "" when none
  bool required;      // required in the OpenAPI document; others are nullable
  std::string description;
  /// Values Klarna documents. They go into the description, not an enum: Klarna
  /// adds values (its settlement-report page lists detailed types the OpenAPI
  /// document lacks), and a record must not fail its schema the day it does.
  std::vector<const char*> known_values = {};
};

// " In minor units of <currency_field> (EUR 12.34 is 1234)."
std::string in_minor_units(const char* currency_field = "currency_code") {
  return std::string(" In minor units of ") + currency_field + " (EUR 12.34 is 1234).";
}

std::string with_known_values(std::string description, const std::vector<const char*>& values) {
  if (values.empty())
    return description;
  description += " Known values: ";
  for (std::size_t i = 0; i < values.size(); ++i)
    description += (i ? ", " : "") + std::string(values[i]);
  return description + "; Klarna may add others.";
}

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
  schema["description"] = with_known_values(field.description, field.known_values);
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

// An amount of a payout's totals or a summary: (name, what it totals).
struct amount_spec {
  const char* name;
  const char* what;
};

// The totals a payout and a payout summary share (OpenAPI: Totals, PayoutSummary).
const std::vector<amount_spec>& shared_totals() {
  static const std::vector<amount_spec> totals = {
    {"sale", "The sales (captures) of the period."},
    {"return", "The returns (refunds) of the period."},
    {"reversal", "The reversals of the period (e.g. chargebacks)."},
    {"fee", "The fees Klarna charged."},
    {"fee_correction", "Corrections of fees charged earlier."},
    {"commission", "The commissions paid to the merchant."},
    {"tax", "The VAT on Klarna's fees (the sum of the transactions' vat_amount; not a "
            "transaction type of its own)."},
    {"holdback", "Money Klarna withheld (e.g. a rolling reserve)."},
    {"release", "Money Klarna released from an earlier holdback."},
    {"repay", "Money repaid from the merchant's debt to Klarna."},
    {"settlement", "What was paid out: the other totals combined by Klarna's settlement "
                   "formula."},
  };
  return totals;
}

// Totals object of a Payout (OpenAPI: Totals). tax_amount and fee_correction_amount
// are the fields the document does not require.
boost::json::object totals_schema() {
  std::vector<field_spec> fields;
  for (const auto& total : shared_totals()) {
    std::string name = std::string(total.name) + "_amount";
    bool required = name != "tax_amount" && name != "fee_correction_amount";
    fields.push_back({name, "integer", "", required, std::string(total.what) + in_minor_units()});
  }
  const std::vector<std::pair<const char*, const char*>> payout_only = {
    {"charge_amount", "Charges; each transaction's detailed_type says what for."},
    {"credit_amount", "Credits; each transaction's detailed_type says what for."},
    {"fee_refund_amount", "Fees Klarna refunded."},
    {"tax_refund_amount", "VAT refunded on fees refunded."},
    {"deposit_amount", "The increase of the merchant's debt to Klarna when returns, fees and "
                       "charges exceeded sales in this period; it is deducted from later "
                       "payouts."},
    {"opening_debt_balance_amount", "The merchant's debt to Klarna before this payout: the "
                                    "previous payout's closing balance unless Klarna invoiced "
                                    "it separately."},
    {"closing_debt_balance_amount", "The merchant's debt to Klarna after this payout: the "
                                    "next payout's opening balance."},
  };
  for (const auto& [name, what] : payout_only)
    fields.push_back({name, "integer", "", true, std::string(what) + in_minor_units()});
  return object_schema(fields);
}

constexpr const char* currency = "ISO 4217 currency code (EUR, SEK, USD ...).";
constexpr const char* registration_currency =
  "ISO 4217 currency code of the country the merchant is registered in.";
constexpr const char* country = "ISO 3166-1 alpha-2 country code.";

boost::json::object payout_schema() {
  auto schema = object_schema({
    {"payment_reference", "string", "", true,
     "Klarna's reference of the payout (its primary key)."},
    {"payout_date", "string", "date-time", true, "When the payout was made (the cursor)."},
    {"currency_code", "string", "", true, currency},
    {"currency_code_of_registration_country", "string", "", false, registration_currency},
    {"merchant_settlement_type", "string", "", true,
     "Whether the payout's amounts are net or gross of Klarna's fees (the merchant's "
     "settlement type).",
     {"GROSS", "NET", "GROSS_FEE"}},
    {"merchant_id", "string", "", true, "The merchant id (MID) the payout belongs to."},
    {"transactions", "string", "", false, "Link to the payout's transactions."},
  });
  auto totals = totals_schema();
  totals["description"] = "The payout's amounts by kind, in minor units of currency_code.";
  schema["properties"].as_object()["totals"] = std::move(totals);
  schema["required"].as_array().emplace_back("totals");
  return schema;
}

boost::json::object transaction_schema() {
  auto schema = object_schema({
    {"amount", "integer", "", true, std::string("The transaction's amount.") + in_minor_units()},
    {"capture_id", "string", "", false,
     "Klarna's id of the capture, on sale and fee transactions (an order captured in parts "
     "has one per part); an empty string on returns and reversals."},
    {"merchant_reference1", "string", "", false,
     "The merchant's own reference, typically its order management system's id."},
    {"sale_date", "string", "date-time", true, "The date of the sale (of the order)."},
    {"type", "string", "", true, "What kind of transaction this is.",
     {"COMMISSION", "SALE", "REVERSAL", "RETURN", "TAX", "FEE", "FEE_REFUND", "CORRECTION",
      "REVERSAL_MERCHANT_PROTECTION", "CHARGE", "CREDIT", "HOLDBACK", "RELEASE"}},
    {"capture_date", "string", "date-time", true, "When the amount was captured (an order captured in parts has a date per part)."},
    {"payment_reference", "string", "", false,
     "Reference of the payout the transaction is part of; null until it is paid out."},
    {"order_id", "string", "uuid", true,
     "Klarna's order id: the rows of one order (captures, fees, returns) share it."},
    {"payout", "string", "", false, "Link to the payout the transaction is part of."},
    {"refund_id", "string", "", false, "Klarna's id of the refund, on returns."},
    {"short_order_id", "string", "", false, "Klarna's short order id."},
    {"merchant_reference2", "string", "", false, "The merchant's second own reference."},
    {"currency_code", "string", "", true, currency},
    {"purchase_country", "string", "", true, country},
    {"vat_rate", "integer", "", false,
     "VAT rate on Klarna's fee, as Klarna sends it (its unit is not documented)."},
    {"vat_amount", "integer", "", false, std::string("VAT on Klarna's fee.") + in_minor_units()},
    {"shipping_country", "string", "", false, country},
    {"initial_payment_method_type", "string", "", false,
     "The payment method the consumer chose at checkout."},
    {"initial_number_of_installments", "integer", "", false,
     "Installments the consumer chose at checkout, for installment payments."},
    {"initial_payment_method_monthly_downpayments", "integer", "", false,
     "Monthly down payments chosen at checkout, for installment payments."},
    {"merchant_capture_reference", "string", "", false,
     "The merchant's reference of the capture, as sent when capturing through the API."},
    {"merchant_refund_reference", "string", "", false,
     "The merchant's reference of the refund, as sent when refunding through the API."},
    {"detailed_type", "string", "", false, "What the transaction is for, within its type.",
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
      "CORRECTION_DISPUTE", "PAYMENT_DEFAULT", "CASH_ADVANCE_AMORTISATION",
      "CASH_ADVANCE_FEES", "CASH_ADVANCE_PAYOUT", "LIABILITY_TRANSFER"}},
    {"tax_in_currency_of_registration_country", "integer", "", false,
     "The VAT on the fee converted into the currency of the merchant's registration country "
     "(currency_code_of_registration_country) at the capture date's rate, in its minor units."},
    {"currency_code_of_registration_country", "string", "", false, registration_currency},
    {"klarna_comment", "string", "", false, "Klarna's note giving the transaction context."},
    {"reversal_reference", "string", "", false,
     "Klarna's id of the dispute behind a reversal (its DisputeKRN)."},
    // Not in the OpenAPI document; Airbyte's and Fivetran's schemas list them.
    {"merchant_id", "string", "", false, "The merchant id (MID) the transaction belongs to."},
    {"shipping_address_country", "string", "", false,
     std::string("The country of the shipping address: ") + country},
  });
  boost::json::object consumer_vat;
  consumer_vat["type"] = boost::json::array{"null", "array"};
  consumer_vat["description"] =
    "The consumer's VAT details, as Klarna sends them (outside the OpenAPI document, which "
    "does not describe their shape; Airbyte's and Fivetran's schemas list the field).";
  schema["properties"].as_object()["consumer_vat"] = std::move(consumer_vat);
  return schema;
}

// OpenAPI: PayoutSummary, every field required.
boost::json::object payout_summary_schema() {
  std::vector<field_spec> fields = {
    {"summary_settlement_currency", "string", "", true,
     std::string("The currency of the summarised payouts: ") + currency},
    {"summary_payout_date_start", "string", "date-time", true,
     "The first instant of the summarised period (a calendar month, UTC)."},
    {"summary_payout_date_end", "string", "date-time", true,
     "The last instant of the summarised period."},
  };
  for (const auto& total : shared_totals())
    fields.push_back({std::string("summary_total_") + total.name + "_amount", "integer", "", true,
                      std::string("Over the period: ") + total.what
                        + in_minor_units("summary_settlement_currency")});
  return object_schema(fields);
}

} // namespace

const std::vector<stream_definition>& all_streams() {
  static const std::vector<stream_definition> streams = {
    {"payouts", "settlements/v1/payouts", "payouts", {{"payment_reference"}}, true,
     incremental_by::payout_date, "payout_date", {"payment_reference", "payout_date"}},
    {"transactions", "settlements/v1/transactions", "transactions", {}, false,
     incremental_by::payout, "payment_reference", {}},
    {"payout_summaries", "settlements/v1/payouts/summary", "",
     {{"summary_settlement_currency"}, {"summary_payout_date_start"}}, true, incremental_by::month,
     "summary_payout_date_start", {}},
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

boost::json::value configured_catalog(const std::vector<config::selected_stream>& selected) {
  auto catalog = airbyte_catalog();
  const auto& discovered = catalog.at("streams").as_array();
  boost::json::array streams;
  for (const auto& choice : selected) {
    for (const auto& stream : discovered) {
      if (stream.at("name").as_string() != choice.name)
        continue;
      bool incremental = choice.mode == config::sync_mode::incremental;
      boost::json::object entry;
      entry["stream"] = stream;
      entry["sync_mode"] = config::to_string(choice.mode);
      bool keyed = stream.as_object().contains("source_defined_primary_key");
      entry["destination_sync_mode"] =
        !incremental ? "overwrite" : keyed ? "append_dedup" : "append";
      if (incremental)
        entry["cursor_field"] = stream.at("default_cursor_field");
      if (keyed)
        entry["primary_key"] = stream.at("source_defined_primary_key");
      streams.emplace_back(std::move(entry));
    }
  }
  return boost::json::object{{"streams", std::move(streams)}};
}

} // namespace klarna::protocol
