#include "config/http_url.hpp"

#include <boost/url/parse.hpp>

namespace klarna::config {

std::optional<boost::urls::url_view> parse_http_url(const std::string& text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed || !parsed->has_authority())
    return std::nullopt;
  auto path = parsed->encoded_path();
  if (!path.empty() && path.front() != '/')
    return std::nullopt;
  return *parsed;
}

} // namespace klarna::config
