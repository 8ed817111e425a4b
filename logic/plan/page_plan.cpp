#include "logic/plan/page_plan.hpp"

#include "config/http_url.hpp"
#include "protocol/stream_catalog.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

namespace klarna::logic {

std::string page_url(const std::string& api_base, const stream_definition& stream,
                     int page_size, std::int64_t offset,
                     const std::optional<std::string>& start_date,
                     const std::optional<std::string>& end_date) {
  boost::urls::url url(api_base + stream.path);
  // '+' of a zone offset must be percent-encoded: servers read a bare '+' in a
  // query as a space.
  if (stream.filters_by_start_date && start_date)
    url.encoded_params().append(
      {"start_date", boost::urls::encode(*start_date, boost::urls::unreserved_chars)});
  if (stream.filters_by_start_date && end_date)
    url.encoded_params().append(
      {"end_date", boost::urls::encode(*end_date, boost::urls::unreserved_chars)});
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

} // namespace klarna::logic
