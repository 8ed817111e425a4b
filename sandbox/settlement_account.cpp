#include "sandbox/settlement_account.hpp"

#include "config/iso8601.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace klarna::sandbox {

namespace {

// Klarna's "Calculation of settlement amount": the totals a type of transaction adds
// to, and the sign each total has in the formula. TAX and CORRECTION transactions
// belong to no total (tax_amount is the VAT on fees; fee corrections and repayments
// are not itemized), so the account never makes them.
struct formula_term {
  const char* type;
  const char* total;
  int sign;
};

constexpr std::array<formula_term, 11> formula_terms = {{
  {"SALE", "sale_amount", +1},
  {"RETURN", "return_amount", -1},
  {"REVERSAL", "reversal_amount", -1},
  // Protection refunds a reversal: reversal_amount is the reversals net of it.
  {"REVERSAL_MERCHANT_PROTECTION", "reversal_amount", +1},
  {"FEE", "fee_amount", -1},
  {"COMMISSION", "commission_amount", +1},
  {"CHARGE", "charge_amount", -1},
  {"CREDIT", "credit_amount", +1},
  {"HOLDBACK", "holdback_amount", -1},
  {"RELEASE", "release_amount", +1},
  {"FEE_REFUND", "fee_refund_amount", +1},
}};

// The sign of a total in the formula.
int formula_sign(const std::string& total) {
  for (const auto& term : formula_terms)
    if (total == term.total)
      return term.sign;
  return +1;
}

const formula_term& term_of(const std::string& type) {
  for (const auto& term : formula_terms)
    if (type == term.type)
      return term;
  throw std::logic_error("no settlement total for transaction type " + type);
}

// A currency's EUR value, at 10,000ths, varies a little from day to day: the VAT on a
// fee is converted at its capture date's rate.
std::int64_t to_registration_currency(std::int64_t amount, const currency_info& money,
                                      std::int64_t capture_epoch) {
  auto day = capture_epoch / 86400;
  __int128 rate = money.to_registration_per_10000;
  if (std::string(money.code) != "EUR")
    rate = rate * (10000 + day % 41 - 20) / 10000;
  return static_cast<std::int64_t>((amount * rate + 5000) / 10000);
}

constexpr std::int64_t two_to_53 = 9007199254740992;

// Merchant references: ordinary ones, and with extreme values the ones that exercise
// escapes, rare unicode and the empty string.
constexpr std::array<const char*, 4> ordinary_references = {"order-", "ORD-2022-", "Bestellung ",
                                                            "Beställning "};
constexpr std::array<const char*, 7> extreme_references = {
  "Bestellung Größe M №", "注文番号 ", "commande «été» ", "🛒 basket ",
  "quote \" backslash \\ tab\t", "ref/", ""};

class period_writer {
public:
  period_writer(settlement_account& account, currency_book& book, std::mt19937_64& random,
                const currency_info& money, std::int64_t from_epoch, std::int64_t to_epoch,
                std::size_t number)
    : account_(account), book_(book), random_(random), money_(money), from_(from_epoch),
      to_(to_epoch), number_(number) {}

  std::vector<boost::json::object> rows;

  std::uint64_t below(std::uint64_t n) { return random_() % n; }
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

  // A moment of this period, not before `earliest`.
  std::int64_t moment(std::int64_t earliest = 0) {
    auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(1, to_ - from_));
    return std::max(from_ + static_cast<std::int64_t>(below(span)), earliest);
  }

  // An order's value: log-normal around the currency's typical order (a long tail of
  // large orders), at least 1.00.
  std::int64_t order_value() {
    double u1 = (static_cast<double>(random_() >> 11) + 1) / 9007199254740993.0;
    double u2 = static_cast<double>(random_() >> 11) / 9007199254740992.0;
    double normal = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    double value = static_cast<double>(money_.typical_order) * std::exp(0.9 * normal);
    value = std::min(value, static_cast<double>(money_.typical_order) * 400);
    return std::max<std::int64_t>(100, std::llround(value));
  }

  // Between 1 and `most` times a typical order, divided by `divisor`.
  std::int64_t typical_share(int most, int divisor) {
    return money_.typical_order * (1 + static_cast<std::int64_t>(below(most))) / divisor;
  }

  order_record new_order(std::int64_t capture_epoch) {
    const auto& options = account_.options();
    order_record order;
    order.number = number_ + rows.size();
    order.order_id = uuid();
    order.short_order_id = "k" + std::to_string(100000 + order.number);
    order.sale_epoch = capture_epoch - 3600 - static_cast<std::int64_t>(below(2 * 86400));
    order.first_capture_epoch = capture_epoch;
    order.merchant_reference1 =
      options.extreme_values ? extreme_references[below(extreme_references.size())]
                             : ordinary_references[below(ordinary_references.size())];
    order.merchant_reference1 += std::to_string(order.number);
    auto reference2 = below(10);
    order.reference2_kind = reference2 < 5 ? 1 : reference2 == 5 ? 2 : 0;
    return order;
  }

  // A transaction of `order`: the fields every transaction of the order shares.
  boost::json::object& add(const order_record& order, const char* type, const char* detailed_type,
                           std::int64_t amount, std::int64_t capture_epoch) {
    const auto& options = account_.options();
    if (options.signed_amounts)
      amount *= term_of(type).sign;
    boost::json::object t{
      {"amount", amount},
      {"sale_date", config::format_iso8601_utc(order.sale_epoch)},
      {"type", type},
      {"capture_date", config::format_iso8601_utc(capture_epoch)},
      {"order_id", order.order_id},
      {"currency_code", money_.code},
      {"purchase_country", money_.country},
      {"detailed_type", detailed_type},
      {"short_order_id", order.short_order_id},
      {"merchant_reference1", order.merchant_reference1},
    };
    if (order.reference2_kind == 1)
      t["merchant_reference2"] = "MR2-" + std::to_string(order.number);
    else if (order.reference2_kind == 2)
      t["merchant_reference2"] = nullptr;
    if (order.number % 10 < 7)
      t["shipping_country"] = money_.country;
    // Outside the OpenAPI document; Airbyte's and Fivetran's schemas list them.
    // consumer_vat's shape is documented nowhere: an array of objects is assumed.
    t["merchant_id"] = options.merchant_id;
    if (order.number % 3 == 0)
      t["shipping_address_country"] = money_.country;
    if (std::string(type) == "SALE" && order.number % 5 == 0)
      t["consumer_vat"] = boost::json::array{boost::json::object{
        {"country", money_.country},
        {"vat_id", std::string(money_.country) + std::to_string(100000000 + order.number)}}};
    rows.push_back(std::move(t));
    return rows.back();
  }

  // A fee of Klarna's with its VAT, also converted into the registration country's
  // currency.
  void add_fee(const order_record& order, const char* detailed_type, std::int64_t amount,
               std::int64_t capture_epoch, const std::string& capture_id) {
    auto& t = add(order, "FEE", detailed_type, amount, capture_epoch);
    std::int64_t vat = (amount * 19 + 50) / 100;
    t["capture_id"] = capture_id;
    t["vat_rate"] = 1900;
    t["vat_amount"] = vat;
    t["tax_in_currency_of_registration_country"] =
      to_registration_currency(vat, money_, capture_epoch);
    t["currency_code_of_registration_country"] = "EUR";
  }

  bool deducts_purchase_fees() const {
    return account_.options().merchant_type != settlement_type::gross;
  }
  bool deducts_other_fees() const {
    return account_.options().merchant_type == settlement_type::net;
  }

  // A capture of `order` with its purchase fees and sometimes a commission.
  void capture(order_record& order, std::int64_t amount, std::int64_t capture_epoch) {
    auto capture_id = uuid();
    auto& sale = add(order, "SALE", "PURCHASE", amount, capture_epoch);
    sale["capture_id"] = capture_id;
    bool installments = chance(30);
    sale["initial_payment_method_type"] = installments ? "fixed_amount" : "invoice";
    sale["initial_number_of_installments"] = installments ? static_cast<std::int64_t>(3 + 3 * below(4)) : 0;
    sale["initial_payment_method_monthly_downpayments"] = installments ? static_cast<std::int64_t>(below(13)) : 0;
    sale["merchant_capture_reference"] = "capture-" + std::to_string(number_ + rows.size());
    order.captured += amount;
    if (deducts_purchase_fees()) {
      add_fee(order, "PURCHASE_FEE_PERCENTAGE", (amount * 299 + 5000) / 10000, capture_epoch, capture_id);
      add_fee(order, "PURCHASE_FEE_FIXED", money_.fixed_fee, capture_epoch, capture_id);
    }
    if (chance(8))
      add(order, "COMMISSION", chance(50) ? "COMMISSION" : "PURCHASE_COMMISSION_PERCENTAGE",
          std::max<std::int64_t>(1, amount / 100), capture_epoch);
  }

  void new_sale() {
    auto when = moment();
    auto order = new_order(when);
    capture(order, order_value(), when);
    remember(order);
  }

  void remember(const order_record& order) {
    book_.orders.push_back(order);
    if (book_.orders.size() > 400)
      book_.orders.pop_front();
  }

  order_record* earlier_order() {
    if (book_.orders.empty())
      return nullptr;
    auto& order = book_.orders[book_.orders.size() - 1 - below(book_.orders.size())];
    return order.captured > order.returned ? &order : nullptr;
  }

  // A later capture of an order shipped in parts.
  void second_capture() {
    auto* order = earlier_order();
    if (order == nullptr)
      return new_sale();
    capture(*order, std::max<std::int64_t>(100, order->captured / (2 + static_cast<std::int64_t>(below(3)))),
            moment(order->first_capture_epoch + 3600));
  }

  void give_back(bool whole) {
    auto* order = earlier_order();
    if (order == nullptr)
      return new_sale();
    auto open = order->captured - order->returned;
    auto amount = whole || open < 200 ? open : open / (2 + static_cast<std::int64_t>(below(4)));
    auto when = moment(order->first_capture_epoch + 3600);
    auto& back = add(*order, "RETURN", "PURCHASE_RETURN", amount, when);
    back["capture_id"] = ""; // documented: empty for returns and reversals
    back["refund_id"] = uuid();
    back["merchant_refund_reference"] = "refund-" + std::to_string(number_ + rows.size());
    order->returned += amount;
    if (deducts_purchase_fees() && chance(40))
      add(*order, "FEE_REFUND", chance(50) ? "PURCHASE_FEE_PERCENTAGE_REFUND" : "FEE_REFUND",
          (amount * 299 + 5000) / 10000, when);
    if (deducts_other_fees() && chance(10))
      add_fee(*order, chance(50) ? "RETURN_FEE" : "LATE_RETURN_FEE", money_.fixed_fee * 3, when, uuid());
  }

  // A dispute lost: the sale reversed, sometimes covered by merchant protection.
  void dispute() {
    auto* order = earlier_order();
    if (order == nullptr)
      return new_sale();
    auto amount = order->captured - order->returned;
    auto when = moment(order->first_capture_epoch + 3600);
    bool fraud = chance(40);
    auto& reversal = add(*order, "REVERSAL", fraud ? "FRAUD_POLICY_CHARGE" : "REVERSAL", amount, when);
    reversal["capture_id"] = "";
    reversal["reversal_reference"] = "krn:klarna:eu1:dispute:goods_not_received:"
                                     + std::to_string(263099944398666 + number_ + rows.size());
    order->returned += amount;
    if (fraud && chance(60))
      add(*order, "REVERSAL_MERCHANT_PROTECTION", "FRAUD_POLICY_CREDIT_NET", amount, when);
    if (deducts_other_fees())
      add_fee(*order, "DISPUTE_FEE", money_.fixed_fee * 10, when, uuid());
  }

  // An entry of the account rather than of an order: it gets an order_id of its own
  // (order_id is required on every transaction).
  boost::json::object& account_entry(const char* type, const char* detailed_type,
                                     std::int64_t amount) {
    auto when = moment();
    auto order = new_order(when);
    order.sale_epoch = when;
    order.merchant_reference1.clear();
    order.reference2_kind = 0;
    auto& t = add(order, type, detailed_type, amount, when);
    t.erase("merchant_reference1");
    return t;
  }

  // A charge or credit for one of `purposes`; the first purpose's entries carry a
  // comment of Klarna's (`comment` and a case number).
  void charge_or_credit(const char* type, const std::vector<const char*>& purposes,
                        const char* comment) {
    auto index = below(purposes.size());
    auto& t = account_entry(type, purposes[index], typical_share(20, 4));
    if (index == 0)
      t["klarna_comment"] = comment + std::to_string(number_ + rows.size());
  }

  void charge() {
    charge_or_credit("CHARGE", {"LIABILITY_TRANSFER", "PAYMENT_REMINDER", "CASH_ADVANCE_AMORTISATION",
                                "TRANSFER_FROM_LEGACY_INTEGRATION"},
                     "Liability transfer, case ");
  }

  void credit() {
    charge_or_credit("CREDIT", {"CORRECTION_DISPUTE", "CASH_ADVANCE_PAYOUT", "CASH_ADVANCE_FEES"},
                     "Dispute decided for the merchant, case ");
  }

  void other_fee() {
    if (!deducts_other_fees())
      return new_sale();
    auto when = moment();
    auto order = new_order(when);
    add_fee(order, chance(50) ? "SERVICING_FEE" : "EXTRA_INVOICE_FEE", money_.fixed_fee * 5, when, uuid());
  }

  // The rolling reserve: a share held back, released in a later period.
  void hold_back() {
    auto amount = typical_share(4, 2);
    account_entry("HOLDBACK", "ROLLING_RESERVE", amount);
    book_.reserve += amount;
  }

  void release() {
    if (book_.reserve == 0)
      return hold_back();
    auto amount = std::min(book_.reserve, typical_share(6, 2));
    account_entry("RELEASE", "ROLLING_RESERVE", amount);
    book_.reserve -= amount;
  }

  // A sale at the edge of what JSON numbers carry, returned almost whole, with int64's
  // limits in its integer fields.
  void extreme_order() {
    auto when = moment();
    auto order = new_order(when);
    capture(order, two_to_53 + 1, when);
    for (auto& t : rows)
      if (t.at("order_id").as_string() == order.order_id && t.at("type").as_string() == "SALE") {
        t["initial_number_of_installments"] = std::numeric_limits<std::int64_t>::min();
        t["initial_payment_method_monthly_downpayments"] = std::numeric_limits<std::int64_t>::max();
      }
    remember(order);
    auto& back = add(order, "RETURN", "PURCHASE_RETURN", two_to_53 - 1, when + 60);
    back["capture_id"] = "";
    back["refund_id"] = uuid();
    book_.orders.back().returned += two_to_53 - 1;
  }

  // One event of an ordinary period, or of a period of returns (after a sales
  // campaign: returns exceed sales and the merchant's debt grows).
  void event(bool returns_period) {
    auto pick = below(100);
    if (returns_period) {
      if (pick < 75)
        return give_back(true);
      if (pick < 90)
        return new_sale();
      return charge();
    }
    if (pick < 62)
      return new_sale();
    if (pick < 68)
      return second_capture();
    if (pick < 86)
      return give_back(chance(60));
    if (pick < 89)
      return dispute();
    if (pick < 91)
      return charge();
    if (pick < 93)
      return credit();
    if (pick < 96)
      return hold_back();
    if (pick < 98)
      return release();
    return other_fee();
  }

private:
  settlement_account& account_;
  currency_book& book_;
  std::mt19937_64& random_;
  const currency_info& money_;
  std::int64_t from_;
  std::int64_t to_;
  std::size_t number_;
};

} // namespace

const char* settlement_type_name(settlement_type type) {
  switch (type) {
  case settlement_type::net: return "NET";
  case settlement_type::gross: return "GROSS";
  case settlement_type::gross_fee: return "GROSS_FEE";
  }
  return "NET";
}

settlement_account::settlement_account(account_options options) : options_(std::move(options)) {}

const std::vector<currency_info>& settlement_account::currencies() {
  static const std::vector<currency_info> all = {
    {"EUR", "DE", 6'000, 35, 10'000},   {"SEK", "SE", 65'000, 300, 870},
    {"NOK", "NO", 65'000, 300, 860},    {"GBP", "GB", 5'000, 30, 11'700},
    {"USD", "US", 7'000, 40, 9'200},    {"DKK", "DK", 45'000, 250, 1'340}};
  return all;
}

const currency_info& settlement_account::currency(const std::string& code) {
  for (const auto& money : currencies())
    if (code == money.code)
      return money;
  throw std::logic_error("unknown currency " + code);
}

const currency_info& settlement_account::pick_currency(std::mt19937_64& random) const {
  // Most of a German merchant's payouts are in euro.
  static constexpr std::array<int, 6> weights = {35, 20, 12, 12, 11, 10};
  auto pick = static_cast<int>(random() % 100);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (pick < weights[i])
      return currencies()[i];
    pick -= weights[i];
  }
  return currencies().front();
}

std::vector<boost::json::object> settlement_account::period(std::mt19937_64& random,
                                                            const currency_info& money,
                                                            std::int64_t from_epoch,
                                                            std::int64_t to_epoch, std::size_t count,
                                                            std::size_t first_number, bool extreme) {
  period_writer writer(*this, books_[money.code], random, money, from_epoch, to_epoch, first_number);
  bool returns_period = writer.chance(6);
  if (extreme && count > 0)
    writer.extreme_order();
  while (writer.rows.size() < count)
    writer.event(returns_period);
  // The last event's rows past `count` fall into the next period, unrecorded: the
  // totals are made from what is served.
  writer.rows.resize(count);
  return std::move(writer.rows);
}

boost::json::object settlement_account::close_payout(
  std::mt19937_64& random, const std::string& currency_code,
  const std::vector<const boost::json::object*>& transactions) {
  // Each total is a sum of magnitudes that the formula adds or subtracts as a whole;
  // the period's result is the formula over the transactions themselves.
  std::unordered_map<std::string, std::int64_t> totals;
  std::int64_t tax = 0;
  std::int64_t period = 0;
  for (const auto* t : transactions) {
    const auto& term = term_of(std::string(t->at("type").as_string()));
    auto magnitude = std::abs(t->at("amount").as_int64());
    totals[term.total] += magnitude * term.sign * formula_sign(term.total);
    period += term.sign * magnitude;
    if (const auto* vat = t->if_contains("vat_amount"))
      tax += vat->as_int64();
  }
  // Fee corrections are not itemized: an occasional credit on the payout alone.
  std::int64_t fee_correction = random() % 100 < 3 ? currency(currency_code).fixed_fee * 4 : 0;
  period += fee_correction - tax;
  auto& book = books_[currency_code];
  std::int64_t opening = book.debt;
  std::int64_t repay = period > 0 ? std::min(opening, period) : 0;
  std::int64_t deposit = period < 0 ? -period : 0;
  book.debt = opening + deposit - repay;
  return {{"commission_amount", totals["commission_amount"]},
          {"repay_amount", repay},
          {"sale_amount", totals["sale_amount"]},
          {"holdback_amount", totals["holdback_amount"]},
          {"tax_amount", tax},
          {"settlement_amount", period - repay + deposit},
          {"fee_correction_amount", fee_correction},
          {"reversal_amount", totals["reversal_amount"]},
          {"release_amount", totals["release_amount"]},
          {"return_amount", totals["return_amount"]},
          {"fee_amount", totals["fee_amount"]},
          {"charge_amount", totals["charge_amount"]},
          {"credit_amount", totals["credit_amount"]},
          {"fee_refund_amount", totals["fee_refund_amount"]},
          {"tax_refund_amount", 0},
          {"deposit_amount", deposit},
          {"opening_debt_balance_amount", opening},
          {"closing_debt_balance_amount", book.debt}};
}

} // namespace klarna::sandbox
