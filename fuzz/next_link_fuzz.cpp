// Any bytes as a `next` link (and, after the first newline, a base URL): a link
// that is followed must keep the first page's scheme, host, port and path, so
// credentials never go to another host.
#include "logic/plan/page_plan.hpp"

#include <boost/url/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string next = input.substr(0, newline);
  std::string first = newline == std::string::npos
                        ? "https://api.klarna.com/settlements/v1/payouts?offset=0&size=500"
                        : input.substr(newline + 1);
  if (!klarna::logic::is_followable_next(next, first))
    return 0;
  auto a = boost::urls::parse_absolute_uri(next);
  auto b = boost::urls::parse_absolute_uri(first);
  if (!a || !b || a->scheme() != b->scheme() || a->encoded_host() != b->encoded_host()
      || a->port_number() != b->port_number() || a->encoded_path() != b->encoded_path()
      || a->has_userinfo())
    std::abort();
  return 0;
}
