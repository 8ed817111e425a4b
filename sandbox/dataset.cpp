#include "sandbox/dataset.hpp"

#include "config/iso8601.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <ctime>
#include <random>

namespace klarna::sandbox {

namespace {

struct currency {
  const char* code;
  const char* country;
};

constexpr std::array<currency, 6> currencies = {{{"EUR", "DE"},
                                                 {"SEK", "SE"},
                                                 {"NOK", "NO"},
                                                 {"GBP", "GB"},
                                                 {"USD", "US"},
                                                 {"DKK", "DK"}}};

// Transaction types with their share (per mille), detailed types and sign.
struct transaction_kind {
  const char* type;
  int per_mille;
  std::array<const char*, 2> detailed_types;
  int sign;
};

constexpr std::array<transaction_kind, 13> kinds = {{
  {"SALE", 560, {"PURCHASE", "PURCHASE"}, +1},
  {"FEE", 200, {"PURCHASE_FEE_PERCENTAGE", "PURCHASE_FEE_FIXED"}, -1},
  {"RETURN", 80, {"PURCHASE_RETURN", "PURCHASE_RETURN"}, -1},
  {"COMMISSION", 30, {"COMMISSION", "PURCHASE_COMMISSION_PERCENTAGE"}, -1},
  {"TAX", 30, {"VAT_ON_FEE_CORRECTION_UK", "VAT_ON_FEE_CORRECTION_UK"}, -1},
  {"REVERSAL", 15, {"REVERSAL", "REVERSAL"}, -1},
  {"REVERSAL_MERCHANT_PROTECTION", 5, {"FRAUD_POLICY_CHARGE", "FRAUD_POLICY_CHARGE"}, -1},
  {"CORRECTION", 20, {"CORRECTION", "FIXED_FEE_CORRECTION"}, +1},
  {"CHARGE", 10, {"DISPUTE_FEE", "LATE_RETURN_FEE"}, -1},
  {"CREDIT", 10, {"CREDITED_CORRECTION", "FRAUD_POLICY_CREDIT_NET"}, +1},
  {"HOLDBACK", 15, {"ROLLING_RESERVE", "ROLLING_RESERVE"}, -1},
  {"RELEASE", 15, {"ROLLING_RESERVE", "ROLLING_RESERVE"}, +1},
  {"FEE_REFUND", 10, {"FEE_REFUND", "PURCHASE_FEE_PERCENTAGE_REFUND"}, +1},
}};

// Merchant references that exercise unicode, escapes and plain ASCII.
constexpr std::array<const char*, 7> reference_patterns = {
  "order-", "Bestellung Größe M №", "注文番号 ", "commande «été» ", "🛒 basket ",
  "quote \" backslash \\ tab\t", "ref/"};

class generator {
public:
  explicit generator(std::uint64_t seed) : random_(seed) {}

  std::uint64_t next() { return random_(); }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

  std::string uuid() {
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int group : {8, 4, 4, 4, 12}) {
      if (!id.empty())
        id += '-';
      for (int i = 0; i < group; ++i)
        id += hex[below(16)];
    }
    return id;
  }

  const transaction_kind& kind() {
    auto pick = static_cast<int>(below(1000));
    for (const auto& kind : kinds) {
      if (pick < kind.per_mille)
        return kind;
      pick -= kind.per_mille;
    }
    return kinds.front();
  }

private:
  std::mt19937_64 random_;
};

// Sums of transaction amounts by type: what a merchant reconciles a payout against.
struct totals_accumulator {
  std::unordered_map<std::string, std::int64_t> by_type;
  std::int64_t all = 0;

  void add(const std::string& type, std::int64_t amount) {
    by_type[type] += amount;
    all += amount;
  }

  std::int64_t of(const char* type) const {
    auto it = by_type.find(type);
    return it == by_type.end() ? 0 : it->second;
  }

  boost::json::object to_json() const {
    return {{"commission_amount", of("COMMISSION")},
            {"repay_amount", 0},
            {"sale_amount", of("SALE")},
            {"holdback_amount", of("HOLDBACK")},
            {"tax_amount", of("TAX")},
            {"settlement_amount", all},
            {"fee_correction_amount", of("CORRECTION")},
            {"reversal_amount", of("REVERSAL") + of("REVERSAL_MERCHANT_PROTECTION")},
            {"release_amount", of("RELEASE")},
            {"return_amount", of("RETURN")},
            {"fee_amount", of("FEE")},
            {"charge_amount", of("CHARGE")},
            {"credit_amount", of("CREDIT")},
            {"fee_refund_amount", of("FEE_REFUND")},
            {"tax_refund_amount", 0},
            {"deposit_amount", 0},
            {"opening_debt_balance_amount", 0},
            {"closing_debt_balance_amount", 0}};
  }
};

// The merchant every record of a dataset belongs to.
std::string merchant_id_of(const dataset_options& options) {
  return "K" + std::to_string(500000 + options.seed % 1000);
}

boost::json::object make_transaction(generator& random, const transaction_kind& kind,
                                     const currency& money, std::int64_t capture_epoch,
                                     std::string& order_id, std::size_t number,
                                     bool huge_amount, const std::string& merchant_id) {
  // Fees, commissions and returns belong to the order of an earlier sale.
  bool is_sale = std::string(kind.type) == "SALE";
  if (is_sale || order_id.empty())
    order_id = random.uuid();
  std::int64_t magnitude = is_sale ? 100 + static_cast<std::int64_t>(random.below(500'000))
                                   : 1 + static_cast<std::int64_t>(random.below(20'000));
  if (huge_amount)
    magnitude = 9007199254740993; // 2^53 + 1: not representable as a double
  boost::json::object t{
    {"amount", kind.sign * magnitude},
    {"sale_date", config::format_iso8601_utc(capture_epoch - 3600 - static_cast<std::int64_t>(random.below(86400)))},
    {"type", kind.type},
    {"capture_date", config::format_iso8601_utc(capture_epoch)},
    {"order_id", order_id},
    {"currency_code", money.code},
    {"purchase_country", money.country},
    {"detailed_type", kind.detailed_types[random.below(2)]},
    {"short_order_id", "k" + std::to_string(100000 + number)},
    {"merchant_reference1",
     std::string(reference_patterns[random.below(reference_patterns.size())])
       + std::to_string(number)},
  };
  std::string type = kind.type;
  if (type == "SALE" || type == "FEE")
    t["capture_id"] = random.uuid();
  else if (type == "RETURN" || type == "REVERSAL")
    t["capture_id"] = ""; // documented: empty for returns and reversals
  if (type == "RETURN") {
    t["refund_id"] = random.uuid();
    t["merchant_refund_reference"] = "refund-" + std::to_string(number);
  }
  if (type == "FEE") {
    t["vat_rate"] = 1900;
    t["vat_amount"] = magnitude * 19 / 100;
    t["tax_in_currency_of_registration_country"] = magnitude * 19 / 100;
    t["currency_code_of_registration_country"] = "EUR";
  }
  if (type == "SALE") {
    t["initial_payment_method_type"] = random.chance(50) ? "invoice" : "fixed_amount";
    t["initial_number_of_installments"] = static_cast<std::int64_t>(random.below(4) * 3);
    t["initial_payment_method_monthly_downpayments"] = static_cast<std::int64_t>(random.below(13));
    t["merchant_capture_reference"] = "capture-" + std::to_string(number);
  }
  if (type == "CORRECTION")
    t["klarna_comment"] = "Manual correction, ticket " + std::to_string(number);
  if (type == "REVERSAL")
    t["reversal_reference"] = "krn:klarna:eu1:dispute:goods_not_received:"
                              + std::to_string(263099944398666 + number);
  auto reference2 = random.below(10);
  if (reference2 < 5)
    t["merchant_reference2"] = "MR2-" + std::to_string(number);
  else if (reference2 == 5)
    t["merchant_reference2"] = nullptr;
  if (random.chance(70))
    t["shipping_country"] = money.country;
  // Fields outside the OpenAPI document that Airbyte's and Fivetran's schemas list.
  // Drawn from the record's number, not the generator, so that the other fields of
  // every seed stay as they were. consumer_vat's shape is not documented anywhere:
  // an array of objects is assumed.
  t["merchant_id"] = merchant_id;
  if (number % 3 == 0)
    t["shipping_address_country"] = money.country;
  if (type == "SALE" && number % 5 == 0)
    t["consumer_vat"] = boost::json::array{
      boost::json::object{{"country", money.country},
                          {"vat_id", std::string(money.country) + std::to_string(100000000 + number)}}};
  return t;
}

} // namespace

namespace {

void add_transaction(dataset& data, const boost::json::object& t, const std::string& reference) {
  transaction_row row;
  row.payment_reference = reference;
  row.order_id = std::string(t.at("order_id").as_string());
  row.json = boost::json::serialize(t);
  auto index = data.transactions.size();
  if (!reference.empty())
    data.transactions_by_reference[reference].push_back(index);
  data.transactions_by_order[row.order_id].push_back(index);
  data.transactions.push_back(std::move(row));
}

// A transaction not yet paid out joins the payout `reference`: the same record with
// its payment_reference and payout link, in the same place of the listing.
void settle(dataset& data, std::size_t index, const std::string& reference,
            const dataset_options& options, totals_accumulator& totals) {
  auto& row = data.transactions[index];
  auto t = boost::json::parse(row.json).as_object();
  totals.add(std::string(t["type"].as_string()), t["amount"].as_int64());
  t["payment_reference"] = reference;
  t["payout"] = options.base_url + "settlements/v1/payouts/" + reference;
  row.payment_reference = reference;
  row.json = boost::json::serialize(t);
  data.transactions_by_reference[reference].push_back(index);
}

// Appends the next payout, at `payout_epoch`, with transactions_per_payout new
// transactions and the unpaid ones at `settled`, which it pays out.
void add_payout(dataset& data, generator& random, const dataset_options& options,
                std::int64_t payout_epoch, const std::vector<std::size_t>& settled) {
  auto p = data.payouts.size();
  const auto& money = currencies[random.below(currencies.size())];
  char reference[32];
  std::snprintf(reference, sizeof reference, "KP%06zu%04X", p,
                static_cast<unsigned>(random.below(0x10000)));
  totals_accumulator totals;
  std::string order_id;
  for (std::size_t i = 0; i < options.transactions_per_payout; ++i) {
    const auto& kind = i == 0 ? kinds.front() : random.kind();
    bool huge = i == 0 && p % 50 == 7;
    auto capture = payout_epoch - 86400 - static_cast<std::int64_t>(random.below(6 * 86400));
    auto t = make_transaction(random, kind, money, capture, order_id, data.transactions.size() + 1,
                              huge, merchant_id_of(options));
    totals.add(kind.type, t["amount"].as_int64());
    t["payment_reference"] = reference;
    t["payout"] = options.base_url + "settlements/v1/payouts/" + reference;
    add_transaction(data, t, reference);
  }
  for (auto index : settled)
    settle(data, index, reference, options, totals);
  boost::json::object payout{
    {"totals", totals.to_json()},
    {"payment_reference", reference},
    {"payout_date", config::format_iso8601_utc(payout_epoch)},
    {"currency_code", money.code},
    {"currency_code_of_registration_country", "EUR"},
    {"merchant_settlement_type", p % 3 == 0 ? "GROSS" : "NET"},
    {"merchant_id", merchant_id_of(options)},
    {"transactions", options.base_url
                       + "settlements/v1/transactions?payment_reference=" + reference},
  };
  payout_row row;
  row.payment_reference = reference;
  row.currency_code = money.code;
  row.payout_epoch = payout_epoch;
  row.totals = payout["totals"].as_object();
  row.json = boost::json::serialize(payout);
  data.payout_by_reference[reference] = data.payouts.size();
  data.payouts.push_back(std::move(row));
}

} // namespace

dataset generate_dataset(const dataset_options& options) {
  generator random(options.seed);
  dataset data;
  data.payouts.reserve(options.payouts);
  data.transactions.reserve(options.payouts * options.transactions_per_payout
                            + options.unpaid_transactions);
  for (std::size_t p = 0; p < options.payouts; ++p)
    add_payout(data, random, options,
               options.first_payout_epoch + static_cast<std::int64_t>(p) * 8 * 3600,
               {});
  std::int64_t after_last = options.first_payout_epoch
                            + static_cast<std::int64_t>(options.payouts) * 8 * 3600;
  std::string order_id;
  for (std::size_t i = 0; i < options.unpaid_transactions; ++i) {
    const auto& money = currencies[random.below(currencies.size())];
    auto capture = after_last + static_cast<std::int64_t>(random.below(3 * 86400));
    add_transaction(data,
                    make_transaction(random, random.kind(), money, capture, order_id,
                                     data.transactions.size() + 1, false, merchant_id_of(options)),
                    "");
  }
  return data;
}

void grow_dataset(dataset& data, const dataset_options& options, std::size_t payouts,
                  bool settle_unpaid) {
  generator random(options.seed + 0x9E3779B97F4A7C15ull * (data.payouts.size() + 1));
  // Past every capture so far, unpaid ones included (up to 3 days after the last payout).
  std::int64_t first = (data.payouts.empty() ? options.first_payout_epoch
                                             : data.payouts.back().payout_epoch)
                       + 4 * 86400;
  std::vector<std::size_t> unpaid;
  if (settle_unpaid)
    for (std::size_t i = 0; i < data.transactions.size(); ++i)
      if (data.transactions[i].payment_reference.empty())
        unpaid.push_back(i);
  for (std::size_t p = 0; p < payouts; ++p)
    add_payout(data, random, options, first + static_cast<std::int64_t>(p) * 8 * 3600,
               p == 0 ? unpaid : std::vector<std::size_t>{});
}

} // namespace klarna::sandbox
