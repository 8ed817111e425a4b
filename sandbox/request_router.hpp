#pragma once

#include "sandbox/dataset_store.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klarna::sandbox {

struct api_request;

/// How the listings behave: Klarna documents no sort order, and its listings grow
/// while a client pages through them.
struct listing_behaviour {
  /// Serve every listing newest record first (records added later come first).
  bool newest_first = false;
  /// After this many listing pages were answered (0: never), add
  /// `grow_payouts` payouts with their transactions, once.
  std::uint64_t grow_after_pages = 0;
  std::size_t grow_payouts = 0;
};

/// A response to send.
struct answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

/// Answers Settlements API requests from a dataset, as Klarna would: HTTP Basic
/// auth (any of the accepted Authorization values, else 401), the JSON endpoints under
/// /settlements/v1/ and a payout's CSV and PDF report, size/offset pagination with
/// absolute next/prev links, ErrorResponse bodies with a fresh correlation_id.
/// Tests change the data between syncs with POST /admin/grow?payouts=N[&settle_unpaid=1]
/// (same credentials; see grow_dataset).
class request_router {
public:
  /// `accepted_authorizations`: the Authorization header values that are let in
  /// (config::authorization_value of each credential the sandbox knows).
  request_router(dataset_store& store, std::string base_url,
                 std::vector<std::string> accepted_authorizations,
                 listing_behaviour behaviour = {});

  /// `target` is the request target ("/settlements/v1/payouts?size=10").
  answer route(const std::string& method, const std::string& target,
               const std::string& authorization) const;

  /// An ErrorResponse body with a fresh correlation_id.
  static answer error(int status, const std::string& code, const std::string& message);

private:
  /// The request's start_date, end_date and currency_code, or a 400 for a bad date.
  static std::optional<answer> read_payout_filter(api_request& request);
  answer payouts(const dataset& data, const api_request& request) const;
  static answer payout_summaries(const dataset& data, const api_request& request);
  static answer payout(const dataset& data, const std::string& reference);
  answer transactions(const dataset& data, const api_request& request) const;
  /// A payout's settlement report, CSV or PDF (sandbox/settlement_reports.hpp).
  static answer report(const dataset& data, const api_request& request, bool pdf);
  answer grow(const std::string& target) const;
  /// Counts an answered listing page and grows the data when its time has come.
  void page_answered() const;

  dataset_store& store_;
  std::string base_url_;
  std::vector<std::string> accepted_authorizations_;
  listing_behaviour behaviour_;
  mutable std::atomic<std::uint64_t> pages_answered_{0};
};

} // namespace klarna::sandbox
