#pragma once

// Which requests archive Klarna's settlement reports (`sync --reports DIR`): the
// payouts listing, a page at a time, then for each listed payout its CSV and PDF
// report unless the archive has them. Pure logic: the report archiver actor sends
// the requests and hands the answers back.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace klarna::logic {

/// One request of the archive: a page of the payouts listing, or a report file.
struct report_request {
  std::string url;
  /// What it fetches, for messages: "payouts listing from offset 500",
  /// "settlement report KP0000010EAE.pdf".
  std::string label;
  bool listing = false;
  /// A report file: its payout and its name in the archive.
  std::string payment_reference;
  std::string payout_date;
  std::string file;
};

class report_plan {
public:
  /// `archived` says whether the archive has a file already. The listing is filtered
  /// by payout_date from `start_date` to `end_date` (either absent: unbounded).
  report_plan(std::string api_base, std::optional<std::string> start_date,
              std::optional<std::string> end_date, int page_size,
              std::function<bool(const std::string& file)> archived);

  /// The next request to send, if one may go now (the listing's pages go one at a
  /// time, each after the one before has arrived).
  std::optional<report_request> next();

  /// The body of the listing page requested last: queues the reports of its payouts
  /// that are not archived, and the next page when this one was full. Returns what is
  /// wrong with a body that is not a page of payouts, and leaves the plan as it was
  /// (the page is to be tried again).
  std::optional<std::string> on_listing_page(const std::string& body);

  /// True when the whole listing was read.
  bool listing_done() const { return listing_done_; }

  std::uint64_t payouts_listed() const { return payouts_.size(); }
  /// The latest payout_date listed (by instant), if any payout had one.
  const std::optional<std::string>& newest_payout_date() const { return newest_; }
  std::uint64_t files_present() const { return files_present_; }
  /// Payouts whose reports cannot be archived (a payment_reference unfit for a file
  /// name), said in words.
  const std::vector<std::string>& problems() const { return problems_; }

private:
  void add_payout(const boost::json::object& payout);

  std::string api_base_;
  std::optional<std::string> start_date_;
  std::optional<std::string> end_date_;
  int page_size_;
  std::function<bool(const std::string&)> archived_;
  std::int64_t next_offset_ = 0;
  bool listing_requested_ = false;
  bool listing_done_ = false;
  std::unordered_set<std::string> payouts_;
  std::deque<report_request> files_;
  std::uint64_t files_present_ = 0;
  std::vector<std::string> problems_;
  std::optional<std::string> newest_;
  std::int64_t newest_epoch_ = 0;
};

/// What is wrong with the 200 body of a report file, if anything: a PDF must be one
/// from its header to its end marker; a CSV must not be a JSON or HTML page and must
/// end as a whole record does, with a line break (a body cut short with a matching
/// Content-Length is caught by that, unless it was cut right after a line break). A
/// body with a problem is tried again like a server error.
std::optional<std::string> report_body_problem(const report_request& request,
                                               const std::string& body);

} // namespace klarna::logic
