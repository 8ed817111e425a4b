#include "logic/page_plan.hpp"

#include "config/http_url.hpp"
#include "protocol/stream_catalog.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

namespace klarna::logic {

std::string page_url(const std::string& api_base, const stream_definition& stream,
                     int page_size, std::int64_t offset,
                     const std::optional<std::string>& start_date) {
  boost::urls::url url(api_base + stream.path);
  // '+' of a zone offset must be percent-encoded: servers read a bare '+' in a
  // query as a space.
  if (stream.filters_by_start_date && start_date)
    url.encoded_params().append(
      {"start_date", boost::urls::encode(*start_date, boost::urls::unreserved_chars)});
  url.params().append({"offset", std::to_string(offset)});
  url.params().append({"size", std::to_string(page_size)});
  return std::string(url.buffer());
}

bool is_followable_next(const std::string& next, const std::string& first_page_url) {
  auto candidate = config::parse_http_url(next);
  auto first = config::parse_http_url(first_page_url);
  if (!candidate || !first)
    return false;
  return candidate->scheme() == first->scheme() && !candidate->has_userinfo()
         && candidate->encoded_host() == first->encoded_host()
         && candidate->port_number() == first->port_number()
         && candidate->encoded_path() == first->encoded_path();
}

pagination_plan::pagination_plan(url_for_offset make_url, int page_size,
                                 std::int64_t first_offset)
  : make_url_(std::move(make_url)), page_size_(page_size) {
  first_url_ = make_url_(first_offset);
  pending_.push_back({0, first_url_});
  offsets_.push_back(first_offset);
}

std::optional<planned_page> pagination_plan::take_next() {
  if (pending_.empty())
    return std::nullopt;
  auto page = std::move(pending_.front());
  pending_.pop_front();
  ++handed_out_;
  return page;
}

std::optional<std::string> pagination_plan::on_page(std::uint64_t seq,
                                                    const page_pagination& pagination) {
  ++received_;
  if (seq == 0 && pagination.total) {
    for (auto offset = offsets_[0] + page_size_; offset < *pagination.total; offset += page_size_) {
      pending_.push_back({pages_known_++, make_url_(offset)});
      offsets_.push_back(offset);
    }
  }
  // Only the last known page may extend the plan: earlier pages' `next` links point
  // at pages that are already planned.
  if (seq + 1 == pages_known_ && pagination.next) {
    if (!is_followable_next(*pagination.next, first_url_))
      return "the API's next link '" + *pagination.next
             + "' leaves the collection being read; it is not followed";
    pending_.push_back({pages_known_++, *pagination.next});
    offsets_.push_back(offsets_.at(seq) + pagination.count);
  }
  return std::nullopt;
}

bool pagination_plan::finished() const {
  return pending_.empty() && handed_out_ == received_;
}

} // namespace klarna::logic
