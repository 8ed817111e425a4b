#pragma once

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
  std::string json;
};

/// Everything the sandbox serves, records pre-serialized in listing order.
struct dataset {
  std::vector<payout_row> payouts;
  std::vector<transaction_row> transactions;
  std::unordered_map<std::string, std::size_t> payout_by_reference;
  std::unordered_map<std::string, std::vector<std::size_t>> transactions_by_reference;
  std::unordered_map<std::string, std::vector<std::size_t>> transactions_by_order;
};

/// Realistic settlement data: payouts in several currencies whose totals are the sums
/// of their transactions by type, transactions of the documented types with their
/// detailed types, some not yet paid out; amounts in minor units including values
/// above 2^53, unicode and escapes in merchant references, optional fields sometimes
/// absent or null.
dataset generate_dataset(const dataset_options& options);

/// Adds `payouts` payouts after the last one (4 days later, then 8 hours apart),
/// each with its transactions appended to the listing; with `settle_unpaid` the
/// transactions not yet paid out join the first new payout (their records gain a
/// payment_reference, in place). Totals stay the sums of their transactions.
void grow_dataset(dataset& data, const dataset_options& options, std::size_t payouts,
                  bool settle_unpaid);

} // namespace klarna::sandbox
