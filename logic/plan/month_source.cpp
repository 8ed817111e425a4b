#include "logic/plan/month_source.hpp"

#include "config/iso8601.hpp"
#include "protocol/stream_catalog.hpp"

#include <boost/url/url.hpp>

#include <ctime>

namespace klarna::logic {

std::int64_t month_start(std::int64_t epoch_seconds, int months) {
  std::time_t time = static_cast<std::time_t>(epoch_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  int month = parts.tm_mon + months;
  std::tm first{};
  first.tm_year = parts.tm_year + (month >= 0 ? month / 12 : (month - 11) / 12);
  first.tm_mon = ((month % 12) + 12) % 12;
  first.tm_mday = 1;
  return static_cast<std::int64_t>(timegm(&first));
}

month_source::month_source(const protocol::stream_definition& stream,
                           const std::string& api_base_url, const stream_start& start,
                           std::int64_t now_epoch_seconds)
  : stream_(stream), first_index_(start.offset) {
  auto from = config::parse_iso8601_epoch_seconds(start.listing_start.value_or(""));
  auto last = month_start(now_epoch_seconds);
  for (auto month = month_start(from.value_or(last)); month <= last; month = month_start(month, 1)) {
    if (month_count_++ < first_index_)
      continue;
    boost::urls::url url(api_base_url + stream.path);
    // The API's end_date is inclusive: the month's last second.
    url.params().append({"start_date", config::format_iso8601_utc(month)});
    url.params().append({"end_date", config::format_iso8601_utc(month_start(month, 1) - 1)});
    month_starts_.push_back(config::format_iso8601_utc(month));
    urls_.emplace_back(url.buffer());
  }
}

std::optional<page_request> month_source::take_next(bool has_credit) {
  if (!has_credit || handed_out_ == urls_.size())
    return std::nullopt;
  auto seq = handed_out_++;
  return page_request{0, seq, urls_[seq], &stream_, credit_use::spend};
}

page_outcome month_source::on_page(std::uint64_t, std::uint64_t seq, parsed_page page) {
  ++received_;
  page_outcome outcome;
  listing_step step{first_index_ + static_cast<std::int64_t>(seq) + 1, month_count_,
                    month_starts_.at(seq), std::nullopt};
  outcome.pages.push_back({seq, std::move(page.records), std::move(step)});
  return outcome;
}

} // namespace klarna::logic
