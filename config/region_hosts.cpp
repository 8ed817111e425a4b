#include "config/region_hosts.hpp"

namespace klarna::config {

std::optional<region> parse_region(const std::string& text) {
  if (text == "eu")
    return region::eu;
  if (text == "na" || text == "us")
    return region::na;
  if (text == "oc")
    return region::oc;
  return std::nullopt;
}

const char* to_string(region r) {
  switch (r) {
    case region::eu:
      return "eu";
    case region::na:
      return "na";
    case region::oc:
      return "oc";
  }
  return "eu";
}

std::string klarna_base_url(region r, bool playground) {
  std::string host = "api";
  if (r == region::na)
    host += "-na";
  else if (r == region::oc)
    host += "-oc";
  host += playground ? ".playground.klarna.com" : ".klarna.com";
  return "https://" + host + "/";
}

} // namespace klarna::config
