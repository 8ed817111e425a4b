// Any bytes as a page body: parse_page either refuses the page (page_error) or
// renders lines that are each a valid RECORD whose data equals the corresponding
// element of the body's records array, as a full JSON parser reads it. And parse_page
// (its own one-pass scanner first) agrees with parse_page_by_boost (Boost.JSON's
// parser alone) on every page: both refuse it, or both give the same lines, count,
// pagination and latest cursor.
#include "logic/page_parser.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

std::optional<klarna::logic::parsed_page> parsed(
  klarna::logic::parsed_page (*parse)(std::string_view, const std::string&, const std::string&,
                                      std::int64_t, const std::string&, std::uint64_t),
  std::string_view body) {
  try {
    // A page size as the connector asks for: both parsers refuse more records alike.
    return parse(body, "payouts", "payouts", 1, "payout_date", 64);
  } catch (const klarna::logic::page_error&) {
    return std::nullopt;
  }
}

bool same(const klarna::logic::parsed_page& a, const klarna::logic::parsed_page& b) {
  return a.record_lines == b.record_lines && a.record_count == b.record_count
         && a.pagination.count == b.pagination.count && a.pagination.total == b.pagination.total
         && a.pagination.next == b.pagination.next && a.max_cursor == b.max_cursor;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto page = parsed(klarna::logic::parse_page, body);
  auto reference = parsed(klarna::logic::parse_page_by_boost, body);
  if (page.has_value() != reference.has_value() || (page && !same(*page, *reference)))
    std::abort(); // the scanner and Boost disagree
  if (!page)
    return 0;
  boost::json::parse_options options;
  options.max_depth = 64;
  auto expected = boost::json::parse(body, {}, options).at("payouts").as_array();
  std::size_t start = 0;
  std::size_t index = 0;
  while (start < page->record_lines.size()) {
    auto end = page->record_lines.find('\n', start);
    if (end == std::string::npos || index >= expected.size())
      std::abort(); // a line without its newline, or more lines than records
    auto line = boost::json::parse(std::string_view(page->record_lines).substr(start, end - start));
    // Compared as text: Boost reads 0e620015 as NaN, which equals nothing, not even itself.
    if (boost::json::serialize(line.at("record").at("data")) != boost::json::serialize(expected[index]))
      std::abort(); // a record altered on its way through
    start = end + 1;
    ++index;
  }
  if (index != expected.size() || index != page->record_count)
    std::abort(); // records lost
  return 0;
}
