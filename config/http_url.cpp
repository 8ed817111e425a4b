#include "config/http_url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

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

std::string lower_case_host_name(const boost::urls::url_view& url) {
  std::string name = url.host_type() == boost::urls::host_type::name ? url.host_name() : "";
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

} // namespace klarna::config
