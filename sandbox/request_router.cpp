#include "sandbox/request_router.hpp"

#include "sandbox/settlement_reports.hpp"

#include "config/iso8601.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <ctime>
#include <map>
#include <optional>
#include <random>

namespace klarna::sandbox {

namespace {

constexpr const char* api_prefix = "/settlements/v1/";

std::string fresh_correlation_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t salt = std::random_device{}();
  std::uint64_t value = (++counter) * 0x9E3779B97F4A7C15ull ^ salt;
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4%03x-a%03x-%012llx",
                static_cast<unsigned>(value >> 32), static_cast<unsigned>(value >> 16 & 0xffff),
                static_cast<unsigned>(value & 0xfff), static_cast<unsigned>(counter & 0xfff),
                static_cast<unsigned long long>(value & 0xffffffffffffull));
  return id;
}

std::string quoted(const std::string& text) {
  return boost::json::serialize(boost::json::string(text));
}

// A non-negative integer query value, or nullopt when it is not one.
std::optional<std::int64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

using query_map = std::map<std::string, std::string>;

// The records of a listing, by position: a whole table or a subset of its indexes.
using record_at = std::function<const std::string&(std::size_t)>;

// One page of a listing: pre-serialized records joined, plus pagination; with
// `newest_first` the records are served from the last one added.
answer page_of(const std::string& records_key, std::size_t record_count, const record_at& records,
               const query_map& query, const std::string& page_url_base, bool newest_first) {
  std::int64_t size = 20;
  std::int64_t offset = 0;
  if (auto it = query.find("size"); it != query.end()) {
    auto parsed = parse_count(it->second);
    if (!parsed || *parsed < 1 || *parsed > 500)
      return request_router::error(400, "BAD_VALUE",
                                   "size must be an integer from 1 to 500");
    size = *parsed;
  }
  if (auto it = query.find("offset"); it != query.end()) {
    auto parsed = parse_count(it->second);
    if (!parsed)
      return request_router::error(400, "BAD_VALUE", "offset must be a non-negative integer");
    offset = *parsed;
  }
  auto total = static_cast<std::int64_t>(record_count);
  auto begin = std::min(offset, total);
  auto end = std::min(total, begin + size);

  auto link = [&](std::int64_t link_offset) {
    boost::urls::url url(page_url_base);
    for (const auto& [key, value] : query)
      if (key != "offset" && key != "size")
        url.params().append({key, value});
    url.params().append({"offset", std::to_string(link_offset)});
    url.params().append({"size", std::to_string(size)});
    return std::string(url.buffer());
  };

  std::string body = "{\"" + records_key + "\":[";
  for (auto i = begin; i < end; ++i) {
    if (i > begin)
      body += ',';
    auto at = static_cast<std::size_t>(newest_first ? total - 1 - i : i);
    body += records(at);
  }
  body += "],\"pagination\":{\"count\":" + std::to_string(end - begin)
          + ",\"total\":" + std::to_string(total) + ",\"offset\":" + std::to_string(offset);
  if (end < total)
    body += ",\"next\":" + quoted(link(end));
  if (offset > 0)
    body += ",\"prev\":" + quoted(link(std::max<std::int64_t>(0, offset - size)));
  body += "}}";
  return {200, std::move(body)};
}

} // namespace

request_router::request_router(dataset_store& store, std::string base_url,
                               std::vector<std::string> accepted_authorizations,
                               listing_behaviour behaviour)
  : store_(store),
    base_url_(std::move(base_url)),
    accepted_authorizations_(std::move(accepted_authorizations)),
    behaviour_(behaviour) {
}

void request_router::page_answered() const {
  if (behaviour_.grow_after_pages != 0 && ++pages_answered_ == behaviour_.grow_after_pages)
    store_.grow(behaviour_.grow_payouts, false);
}

answer request_router::error(int status, const std::string& code, const std::string& message) {
  boost::json::object body{{"error_code", code},
                           {"error_messages", boost::json::array{message.c_str()}},
                           {"correlation_id", fresh_correlation_id()}};
  return {status, boost::json::serialize(body)};
}

// What selects payouts: the date range and currency of a request.
struct payout_filter {
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> end;
  std::optional<std::string> currency_code;

  bool matches(const payout_row& payout) const {
    return (!start || payout.payout_epoch >= *start) && (!end || payout.payout_epoch <= *end)
           && (!currency_code || *currency_code == payout.currency_code);
  }
};

// One API request, parsed.
struct api_request {
  std::string resource; // the path after /settlements/v1/
  query_map query;
  std::string page_base; // the absolute URL of this resource, for next/prev links
  payout_filter payouts;
  bool has_date_range = false;
};

answer request_router::route(const std::string& method, const std::string& target,
                             const std::string& authorization) const {
  if (std::find(accepted_authorizations_.begin(), accepted_authorizations_.end(), authorization)
      == accepted_authorizations_.end())
    return error(401, "UNAUTHORIZED", "Invalid or missing credentials");
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed)
    return error(400, "BAD_REQUEST", "Malformed request target");
  std::string path(parsed->path());
  if (path == "/admin/grow" && method == "POST")
    return grow(target);
  if (path.rfind(api_prefix, 0) != 0)
    return error(404, "NOT_FOUND", "No such resource: " + path);
  if (method != "GET")
    return error(405, "METHOD_NOT_ALLOWED", "Only GET is supported");
  api_request request;
  for (const auto& param : parsed->params())
    request.query[std::string(param.key)] = std::string(param.value);
  request.resource = path.substr(std::string(api_prefix).size());
  request.page_base = base_url_ + path.substr(1);
  if (auto refused = read_payout_filter(request))
    return *refused;

  auto data = store_.current();
  if (request.resource == "payouts" || request.resource == "transactions") {
    auto page = request.resource == "payouts" ? payouts(*data, request) : transactions(*data, request);
    if (page.status == 200)
      page_answered();
    return page;
  }
  if (request.resource == "payouts/summary")
    return payout_summaries(*data, request);
  if (request.resource == "reports/payout-with-transactions" || request.resource == "reports/payout")
    return report(*data, request, request.resource == "reports/payout");
  if (request.resource.rfind("payouts/", 0) == 0)
    return payout(*data, request.resource.substr(std::string("payouts/").size()));
  return error(404, "NOT_FOUND", "No such resource: " + path);
}

std::optional<answer> request_router::read_payout_filter(api_request& request) {
  auto& query = request.query;
  auto date = [&](const char* name, std::optional<std::int64_t>& into) -> std::optional<answer> {
    auto found = query.find(name);
    if (found == query.end())
      return std::nullopt;
    if (!(into = config::parse_iso8601_epoch_seconds(found->second)))
      return error(400, "BAD_VALUE", std::string(name) + " must be an ISO 8601 date or date-time");
    return std::nullopt;
  };
  if (auto refused = date("start_date", request.payouts.start))
    return refused;
  if (auto refused = date("end_date", request.payouts.end))
    return refused;
  request.has_date_range = query.count("start_date") != 0 && query.count("end_date") != 0;
  if (auto currency = query.find("currency_code"); currency != query.end())
    request.payouts.currency_code = currency->second;
  return std::nullopt;
}

answer request_router::grow(const std::string& target) const {
  auto parsed = boost::urls::parse_origin_form(target);
  std::optional<std::int64_t> payouts;
  bool settle_unpaid = false;
  for (const auto& param : parsed->params()) {
    if (param.key == "payouts")
      payouts = parse_count(std::string(param.value));
    else if (param.key == "settle_unpaid")
      settle_unpaid = param.value == "1";
  }
  if (!payouts || *payouts > 100000)
    return error(400, "BAD_VALUE", "payouts must be an integer from 0 to 100000");
  auto data = store_.grow(static_cast<std::size_t>(*payouts), settle_unpaid);
  return {200, "{\"payouts\":" + std::to_string(data->payouts.size()) + ",\"transactions\":"
                 + std::to_string(data->transactions.size()) + "}"};
}

answer request_router::report(const dataset& data, const api_request& request, bool pdf) {
  auto reference = request.query.find("payment_reference");
  if (reference == request.query.end())
    return error(400, "BAD_VALUE", "payment_reference is required");
  auto found = data.payout_by_reference.find(reference->second);
  if (found == data.payout_by_reference.end())
    return error(404, "NOT_FOUND", "No payout with payment_reference " + reference->second);
  const auto& payout = data.payouts[found->second];
  if (pdf)
    return {200, payout_report_pdf(payout), "application/pdf"};
  return {200, payout_report_csv(data, payout), "text/csv"};
}

answer request_router::payouts(const dataset& data, const api_request& request) const {
  std::vector<std::size_t> matching;
  for (std::size_t i = 0; i < data.payouts.size(); ++i)
    if (request.payouts.matches(data.payouts[i]))
      matching.push_back(i);
  return page_of(
    "payouts", matching.size(),
    [&](std::size_t i) -> const std::string& { return data.payouts[matching[i]].json; },
    request.query, request.page_base, behaviour_.newest_first);
}

// One PayoutSummary per currency over the payouts in the date range.
answer request_router::payout_summaries(const dataset& data, const api_request& request) {
  if (!request.has_date_range)
    return error(400, "BAD_VALUE", "start_date and end_date are required");
  std::map<std::string, boost::json::object> by_currency;
  for (const auto& payout : data.payouts) {
    if (!request.payouts.matches(payout))
      continue;
    auto& summary = by_currency[payout.currency_code];
    if (summary.empty()) {
      summary["summary_settlement_currency"] = payout.currency_code;
      summary["summary_payout_date_start"] = config::format_iso8601_utc(payout.payout_epoch);
    }
    summary["summary_payout_date_end"] = config::format_iso8601_utc(payout.payout_epoch);
    for (const auto& [key, value] : payout.totals) {
      std::string name = "summary_total_" + std::string(key);
      if (name == "summary_total_opening_debt_balance_amount"
          || name == "summary_total_closing_debt_balance_amount"
          || name == "summary_total_charge_amount" || name == "summary_total_credit_amount"
          || name == "summary_total_fee_refund_amount" || name == "summary_total_tax_refund_amount"
          || name == "summary_total_deposit_amount")
        continue; // not part of PayoutSummary
      auto* existing = summary.if_contains(name);
      summary[name] = (existing ? existing->as_int64() : 0) + value.as_int64();
    }
  }
  boost::json::array summaries;
  for (auto& [code, summary] : by_currency)
    summaries.emplace_back(std::move(summary));
  return {200, boost::json::serialize(summaries)};
}

answer request_router::payout(const dataset& data, const std::string& reference) {
  auto found = data.payout_by_reference.find(reference);
  if (found == data.payout_by_reference.end())
    return error(404, "NOT_FOUND", "No payout with payment_reference " + reference);
  return {200, data.payouts[found->second].json};
}

// All transactions, or one payout's (payment_reference) or one order's (order_id).
answer request_router::transactions(const dataset& data, const api_request& request) const {
  const auto& all = data.transactions;
  const auto& query = request.query;
  auto reference = query.find("payment_reference");
  auto order = query.find("order_id");
  if (reference == query.end() && order == query.end())
    return page_of(
      "transactions", all.size(), [&](std::size_t i) -> const std::string& { return all[i].json; },
      query, request.page_base, behaviour_.newest_first);
  static const std::vector<std::size_t> none;
  auto lookup = [](const auto& index, const std::string& key) -> const std::vector<std::size_t>& {
    auto found = index.find(key);
    return found == index.end() ? none : found->second;
  };
  std::vector<std::size_t> matching;
  const auto& candidates = reference != query.end()
                             ? lookup(data.transactions_by_reference, reference->second)
                             : lookup(data.transactions_by_order, order->second);
  for (auto index : candidates)
    if (order == query.end() || all[index].order_id == order->second)
      matching.push_back(index);
  return page_of(
    "transactions", matching.size(),
    [&](std::size_t i) -> const std::string& { return all[matching[i]].json; }, query,
    request.page_base, behaviour_.newest_first);
}

} // namespace klarna::sandbox
