#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace klarna::sandbox {

/// How a merchant is paid (Klarna's merchant_settlement_type). NET: every fee is
/// deducted from the payouts; GROSS_FEE: only the transaction fees (PURCHASE_FEE_*)
/// are, other fees are invoiced; GROSS: no fee is, all are invoiced.
enum class settlement_type { net, gross, gross_fee };

const char* settlement_type_name(settlement_type type);

struct currency_info {
  const char* code;
  const char* country;
  /// A typical order's value in minor units (about 60 EUR), and the fixed purchase fee.
  std::int64_t typical_order;
  std::int64_t fixed_fee;
  /// Minor units of the registration country's currency (EUR) per 10,000 minor units.
  std::int64_t to_registration_per_10000;
};

/// One order of the merchant: its transactions share these fields.
struct order_record {
  std::string order_id;
  std::string short_order_id;
  std::string merchant_reference1;
  int reference2_kind = 0; // 0: absent, 1: a string, 2: null
  std::int64_t sale_epoch = 0;
  std::int64_t captured = 0;
  std::int64_t returned = 0;
  std::int64_t first_capture_epoch = 0;
  std::size_t number = 0;
};

/// What the merchant's account holds in one currency across payouts.
struct currency_book {
  /// Recent orders, which later returns, second captures and disputes refer to.
  std::deque<order_record> orders;
  /// Rolling reserve held back and not yet released.
  std::int64_t reserve = 0;
  /// The merchant's debt to Klarna: the last payout's closing_debt_balance_amount.
  std::int64_t debt = 0;
};

/// Choices of a generated account.
struct account_options {
  std::uint64_t seed = 42;
  settlement_type merchant_type = settlement_type::net;
  /// Every transaction's `amount` signed by its direction in the settlement formula
  /// (negative for RETURN, FEE, ...). Klarna does not document the sign; by default
  /// amounts are magnitudes, as the totals are.
  bool signed_amounts = false;
  /// Values at the edge of what the format allows: 2^53 + 1 amounts, int64 limits in
  /// integer fields, empty strings, escapes and rare unicode in references.
  bool extreme_values = false;
  std::string merchant_id;
};

/// A merchant's account as Klarna keeps it: orders with their captures, fees,
/// returns and disputes; charges, credits, holdbacks and releases; and per currency a
/// debt carried from payout to payout. Produces the transactions of each payout
/// period and the payout's totals by Klarna's settlement formula.
class settlement_account {
public:
  explicit settlement_account(account_options options = {});

  const account_options& options() const { return options_; }

  /// The currencies the merchant is paid in.
  static const std::vector<currency_info>& currencies();
  static const currency_info& currency(const std::string& code);
  const currency_info& pick_currency(std::mt19937_64& random) const;

  /// `count` transactions captured between `from_epoch` and `to_epoch` in `money`,
  /// numbered from `first_number`; `extreme` puts the extreme values in this period.
  std::vector<boost::json::object> period(std::mt19937_64& random, const currency_info& money,
                                          std::int64_t from_epoch, std::int64_t to_epoch,
                                          std::size_t count, std::size_t first_number,
                                          bool extreme);

  /// The totals of a payout in `currency_code` of `transactions` (which must be of that
  /// currency), settling the currency's debt: Klarna's formula over the totals, less
  /// the debt repaid; a negative period pays 0 and adds the shortfall to the debt
  /// (deposit_amount).
  boost::json::object close_payout(std::mt19937_64& random, const std::string& currency_code,
                                   const std::vector<const boost::json::object*>& transactions);

private:
  account_options options_;
  std::unordered_map<std::string, currency_book> books_;
};

} // namespace klarna::sandbox
