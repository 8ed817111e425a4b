// Any bytes as a page body: parse_page either refuses the page (page_error) or
// renders lines that are each a valid RECORD whose data equals the corresponding
// element of the body's records array, as a full JSON parser reads it.
#include "logic/page_parser.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  klarna::logic::parsed_page page;
  try {
    page = klarna::logic::parse_page(body, "payouts", "payouts", 1);
  } catch (const klarna::logic::page_error&) {
    return 0;
  }
  boost::json::parse_options options;
  options.max_depth = 64;
  auto expected = boost::json::parse(body, {}, options).at("payouts").as_array();
  std::size_t start = 0;
  std::size_t index = 0;
  while (start < page.record_lines.size()) {
    auto end = page.record_lines.find('\n', start);
    if (end == std::string::npos || index >= expected.size())
      std::abort(); // a line without its newline, or more lines than records
    auto line = boost::json::parse(std::string_view(page.record_lines).substr(start, end - start));
    if (line.at("record").at("data") != expected[index])
      std::abort(); // a record altered on its way through
    start = end + 1;
    ++index;
  }
  if (index != expected.size() || index != page.record_count)
    std::abort(); // records lost
  return 0;
}
