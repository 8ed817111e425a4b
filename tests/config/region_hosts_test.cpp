#include "config/region_hosts.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

TEST_CASE("every region and environment maps to Klarna's host", "[config]") {
  CHECK(klarna_base_url(region::eu, false) == "https://api.klarna.com/");
  CHECK(klarna_base_url(region::na, false) == "https://api-na.klarna.com/");
  CHECK(klarna_base_url(region::oc, false) == "https://api-oc.klarna.com/");
  CHECK(klarna_base_url(region::eu, true) == "https://api.playground.klarna.com/");
  CHECK(klarna_base_url(region::na, true) == "https://api-na.playground.klarna.com/");
  CHECK(klarna_base_url(region::oc, true) == "https://api-oc.playground.klarna.com/");
}

TEST_CASE("us is an alias of na; other names are not regions", "[config]") {
  CHECK(parse_region("us") == region::na);
  CHECK(parse_region("na") == region::na);
  CHECK(parse_region("eu") == region::eu);
  CHECK(parse_region("oc") == region::oc);
  CHECK_FALSE(parse_region("EU"));
  CHECK_FALSE(parse_region("apac"));
}
