#pragma once

#include "sandbox/settlement_account.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace klarna::sandbox {

/// How much data the sandbox serves, generated deterministically from `seed`.
struct dataset_options {
  std::uint64_t seed = 42;
  std::size_t payouts = 200;
  std::size_t transactions_per_payout = 500;
  /// Transactions not yet in a payout (no payment_reference).
  std::size_t unpaid_transactions = 1000;
  /// The first payout's payout_date (2022-01-03T07:00:00Z); the others follow
  /// every 8 hours.
  std::int64_t first_payout_epoch = 1641193200;
  /// Absolute root of the server ("http://127.0.0.1:8099/"), for links in records.
  std::string base_url;
  settlement_type merchant_type = settlement_type::net;
  /// See account_options.
  bool signed_amounts = false;
  bool extreme_values = false;
};

struct payout_row {
  std::string payment_reference;
  std::string currency_code;
  std::int64_t payout_epoch = 0;
  boost::json::object totals;
  /// The record exactly as served.
  std::string json;
};

struct transaction_row {
  std::string payment_reference; // empty when not paid out yet
  std::string order_id;
  std::string currency_code;
  std::string json;
};

/// Everything the sandbox serves, records pre-serialized in listing order.
struct dataset {
  std::vector<payout_row> payouts;
  std::vector<transaction_row> transactions;
  std::unordered_map<std::string, std::size_t> payout_by_reference;
  std::unordered_map<std::string, std::vector<std::size_t>> transactions_by_reference;
  std::unordered_map<std::string, std::vector<std::size_t>> transactions_by_order;
  /// The merchant's account the records come from: what growing continues.
  settlement_account account;
};

/// A merchant's settlements as Klarna reports them (see settlement_account): payouts
/// in several currencies every 8 hours, each with transactions_per_payout
/// transactions captured in the week before it and totals by Klarna's settlement
/// formula, debt carried per currency; then the transactions not yet paid out.
dataset generate_dataset(const dataset_options& options);

/// Adds `payouts` payouts after the last one (4 days later, then 8 hours apart),
/// each with its transactions appended to the listing. With `settle_unpaid` the first
/// new payouts are in the currencies of the transactions not yet paid out, and each
/// pays out those of its currency (their records gain a payment_reference, in place);
/// currencies beyond `payouts` stay unpaid.
void grow_dataset(dataset& data, const dataset_options& options, std::size_t payouts,
                  bool settle_unpaid);

} // namespace klarna::sandbox
