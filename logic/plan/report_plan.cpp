#include "logic/plan/report_plan.hpp"

#include "config/iso8601.hpp"
#include "logic/plan/page_plan.hpp"
#include "protocol/stream_catalog.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>

namespace klarna::logic {

namespace {

// Klarna's report of one payout, in both of its formats.
struct report_kind {
  const char* path;
  const char* extension;
};

constexpr std::array<report_kind, 2> report_kinds = {{
  {"settlements/v1/reports/payout-with-transactions", "csv"},
  {"settlements/v1/reports/payout", "pdf"},
}};

// A name fit for a file: letters, digits, '-' and '_' (it must not name a path).
bool fits_a_file_name(const std::string& reference) {
  return !reference.empty() && reference.size() <= 100
         && reference.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789-_")
              == std::string::npos;
}

// A CSV body (RFC 4180) that ends where no record can: without the line break that
// ends its last record, inside a quoted field, or with a last record of fewer fields
// than its header.
std::optional<std::string> csv_cut_short(const std::string& body) {
  std::size_t fields = 1;
  std::size_t header_fields = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (quoted) {
      quoted = c != '"' || (i + 1 < body.size() && body[i + 1] == '"' && ++i);
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      ++fields;
    } else if (c == '\n') {
      if (header_fields == 0)
        header_fields = fields;
      else if (fields < header_fields && i + 1 == body.size())
        return "the CSV report's last line has " + std::to_string(fields) + " of its "
               + std::to_string(header_fields) + " columns: cut short";
      fields = 1;
    }
  }
  if (quoted)
    return std::string("the CSV report ends inside a quoted field: cut short");
  if (body.back() != '\n')
    return std::string("the CSV report ends without a line break: cut short");
  return std::nullopt;
}

} // namespace

report_plan::report_plan(std::string api_base, std::optional<std::string> start_date,
                         std::optional<std::string> end_date, int page_size,
                         std::function<bool(const std::string& file)> archived)
  : api_base_(std::move(api_base)), start_date_(std::move(start_date)),
    end_date_(std::move(end_date)), page_size_(page_size), archived_(std::move(archived)) {}

std::optional<report_request> report_plan::next() {
  if (!listing_done_ && !listing_requested_) {
    listing_requested_ = true;
    report_request request;
    request.listing = true;
    request.url = page_url(api_base_, *protocol::find_stream("payouts"), page_size_, next_offset_,
                           start_date_, end_date_);
    request.label = "payouts listing from offset " + std::to_string(next_offset_);
    return request;
  }
  if (files_.empty())
    return std::nullopt;
  auto request = std::move(files_.front());
  files_.pop_front();
  return request;
}

std::optional<std::string> report_plan::on_listing_page(const std::string& body) {
  boost::system::error_code error;
  auto page = boost::json::parse(body, error);
  const auto* object = error ? nullptr : page.if_object();
  const auto* payouts = object ? object->if_contains("payouts") : nullptr;
  if (payouts == nullptr || !payouts->is_array())
    return std::string("the payouts listing from offset ") + std::to_string(next_offset_)
           + " is not a page of payouts (no 'payouts' array)";
  for (const auto& record : payouts->get_array()) {
    const auto* payout = record.if_object();
    const auto* reference = payout ? payout->if_contains("payment_reference") : nullptr;
    if (reference == nullptr || !reference->is_string())
      return std::string("a payout of the listing from offset ") + std::to_string(next_offset_)
             + " has no payment_reference";
  }
  // A whole page: its payouts' reports join the plan.
  listing_requested_ = false;
  for (const auto& record : payouts->get_array())
    add_payout(record.get_object());
  auto count = static_cast<std::int64_t>(payouts->get_array().size());
  next_offset_ += count;
  listing_done_ = count < page_size_;
  return std::nullopt;
}

void report_plan::add_payout(const boost::json::object& payout) {
  std::string name(payout.at("payment_reference").get_string());
  if (!payouts_.insert(name).second)
    return; // listed twice (the listing moved): archived once
  if (!fits_a_file_name(name)) {
    problems_.push_back("payout '" + name.substr(0, 100)
                        + "': its payment_reference is not fit for a file name");
    return;
  }
  // The manifest's text: a payout_date that is not a date is left empty.
  std::string payout_date;
  const auto* date = payout.if_contains("payout_date");
  if (date != nullptr && date->is_string()) {
    if (auto epoch = config::parse_iso8601_epoch_seconds(std::string(date->get_string()))) {
      payout_date = std::string(date->get_string());
      if (!newest_ || *epoch > newest_epoch_) {
        newest_ = payout_date;
        newest_epoch_ = *epoch;
      }
    }
  }
  for (const auto& kind : report_kinds) {
    auto file = name + "." + kind.extension;
    if (archived_(file)) {
      ++files_present_;
      continue;
    }
    files_.push_back({api_base_ + kind.path + "?payment_reference=" + name,
                      "settlement report " + file, false, name, payout_date, file});
  }
}

std::optional<std::string> report_body_problem(const report_request& request,
                                               const std::string& body) {
  auto ends_with = [&](const std::string& extension) {
    return request.file.size() > extension.size()
           && request.file.compare(request.file.size() - extension.size(), extension.size(),
                                   extension) == 0;
  };
  if (ends_with(".pdf")) {
    if (body.rfind("%PDF-", 0) != 0)
      return "the PDF report does not start as a PDF does (%PDF-)";
    if (body.find("%%EOF", body.size() > 1024 ? body.size() - 1024 : 0) == std::string::npos)
      return "the PDF report ends before its end marker (%%EOF): cut short";
  } else if (body.empty() || body.front() == '{' || body.front() == '<') {
    return "the CSV report is " + std::string(body.empty() ? "empty" : "not CSV");
  } else if (auto problem = csv_cut_short(body)) {
    return problem;
  }
  return std::nullopt;
}

} // namespace klarna::logic
