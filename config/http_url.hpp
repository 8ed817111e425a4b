#pragma once

#include <boost/url/url_view.hpp>

#include <optional>
#include <string>

namespace klarna::config {

/// `text` parsed as an absolute URL with an authority, or nullopt. Refuses what
/// Boost.URL 1.81 parses differently from libcurl: after an IPv4 address it ends the
/// host early ("http://127.0.0.1.evil.invalid/" gives host 127.0.0.1 and the path
/// ".evil.invalid/"), where curl would connect to the whole name. A path after an
/// authority must be empty or start with '/' (RFC 3986, path-abempty), so such a
/// parse is refused. The view refers to `text`.
std::optional<boost::urls::url_view> parse_http_url(const std::string& text);

/// The URL's host name in lower case (DNS names are case-insensitive); empty when
/// the host is an IP address.
std::string lower_case_host_name(const boost::urls::url_view& url);

} // namespace klarna::config
