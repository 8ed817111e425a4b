#include "sandbox/dataset.hpp"

#include "config/iso8601.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

namespace klarna::sandbox {

namespace {

constexpr std::int64_t day_seconds = 86400;

// The merchant every record of a dataset belongs to.
std::string merchant_id_of(const dataset_options& options) {
  return "K" + std::to_string(500000 + options.seed % 1000);
}

account_options account_options_of(const dataset_options& options) {
  account_options account;
  account.seed = options.seed;
  account.merchant_type = options.merchant_type;
  account.signed_amounts = options.signed_amounts;
  account.extreme_values = options.extreme_values;
  account.merchant_id = merchant_id_of(options);
  return account;
}

void add_transaction(dataset& data, const boost::json::object& t, const std::string& reference) {
  transaction_row row;
  row.payment_reference = reference;
  row.order_id = std::string(t.at("order_id").as_string());
  row.currency_code = std::string(t.at("currency_code").as_string());
  row.json = boost::json::serialize(t);
  auto index = data.transactions.size();
  if (!reference.empty())
    data.transactions_by_reference[reference].push_back(index);
  data.transactions_by_order[row.order_id].push_back(index);
  data.transactions.push_back(std::move(row));
}

void link_to_payout(boost::json::object& t, const std::string& reference,
                    const dataset_options& options) {
  t["payment_reference"] = reference;
  t["payout"] = options.base_url + "settlements/v1/payouts/" + reference;
}

// Appends the next payout, at `payout_epoch` in `money`, with transactions_per_payout
// new transactions and the unpaid ones at `settled` (of the same currency), which it
// pays out in place.
void add_payout(dataset& data, std::mt19937_64& random, const dataset_options& options,
                std::int64_t payout_epoch, const currency_info& money,
                const std::vector<std::size_t>& settled) {
  auto p = data.payouts.size();
  char reference[32];
  std::snprintf(reference, sizeof reference, "KP%06zu%04X", p,
                static_cast<unsigned>(random() % 0x10000));
  auto rows = data.account.period(random, money, payout_epoch - 7 * day_seconds,
                                  payout_epoch - day_seconds, options.transactions_per_payout,
                                  data.transactions.size() + 1,
                                  options.extreme_values && p % 50 == 7);
  std::vector<boost::json::object> settled_rows;
  for (auto index : settled)
    settled_rows.push_back(boost::json::parse(data.transactions[index].json).as_object());
  std::vector<const boost::json::object*> paid;
  for (auto& t : rows) {
    link_to_payout(t, reference, options);
    add_transaction(data, t, reference);
    paid.push_back(&t);
  }
  for (std::size_t i = 0; i < settled.size(); ++i) {
    auto& row = data.transactions[settled[i]];
    link_to_payout(settled_rows[i], reference, options);
    row.payment_reference = reference;
    row.json = boost::json::serialize(settled_rows[i]);
    data.transactions_by_reference[reference].push_back(settled[i]);
    paid.push_back(&settled_rows[i]);
  }
  boost::json::object payout{
    {"totals", data.account.close_payout(random, money.code, paid)},
    {"payment_reference", reference},
    {"payout_date", config::format_iso8601_utc(payout_epoch)},
    {"currency_code", money.code},
    {"currency_code_of_registration_country", "EUR"},
    {"merchant_settlement_type", settlement_type_name(options.merchant_type)},
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
  std::mt19937_64 random(options.seed);
  dataset data;
  data.account = settlement_account(account_options_of(options));
  data.payouts.reserve(options.payouts);
  data.transactions.reserve(options.payouts * options.transactions_per_payout
                            + options.unpaid_transactions);
  for (std::size_t p = 0; p < options.payouts; ++p)
    add_payout(data, random, options,
               options.first_payout_epoch + static_cast<std::int64_t>(p) * 8 * 3600,
               data.account.pick_currency(random), {});
  // The open periods: captured in the 3 days after the last payout, in runs of one
  // currency.
  std::int64_t after_last = options.first_payout_epoch
                            + static_cast<std::int64_t>(options.payouts) * 8 * 3600;
  for (std::size_t left = options.unpaid_transactions; left > 0;) {
    auto run = std::min<std::size_t>(left, 1 + random() % 40);
    for (const auto& t : data.account.period(random, data.account.pick_currency(random), after_last,
                                             after_last + 3 * day_seconds, run,
                                             data.transactions.size() + 1, false))
      add_transaction(data, t, "");
    left -= run;
  }
  return data;
}

void grow_dataset(dataset& data, const dataset_options& options, std::size_t payouts,
                  bool settle_unpaid) {
  std::mt19937_64 random(options.seed + 0x9E3779B97F4A7C15ull * (data.payouts.size() + 1));
  // Past every capture so far, unpaid ones included (up to 3 days after the last payout).
  std::int64_t first = (data.payouts.empty() ? options.first_payout_epoch
                                             : data.payouts.back().payout_epoch)
                       + 4 * day_seconds;
  // The unpaid transactions by currency, currencies in order of first appearance.
  std::vector<std::pair<std::string, std::vector<std::size_t>>> unpaid;
  if (settle_unpaid)
    for (std::size_t i = 0; i < data.transactions.size(); ++i) {
      const auto& row = data.transactions[i];
      if (!row.payment_reference.empty())
        continue;
      auto it = std::find_if(unpaid.begin(), unpaid.end(),
                             [&](const auto& group) { return group.first == row.currency_code; });
      if (it == unpaid.end())
        it = unpaid.insert(unpaid.end(), {row.currency_code, {}});
      it->second.push_back(i);
    }
  for (std::size_t p = 0; p < payouts; ++p) {
    auto epoch = first + static_cast<std::int64_t>(p) * 8 * 3600;
    if (p < unpaid.size())
      add_payout(data, random, options, epoch, settlement_account::currency(unpaid[p].first), unpaid[p].second);
    else
      add_payout(data, random, options, epoch, data.account.pick_currency(random), {});
  }
}

} // namespace klarna::sandbox
