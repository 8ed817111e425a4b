// Any bytes as a page body: parse_page either refuses the page (page_error) or gives a
// batch whose records are each a valid JSON object on one line, equal to the
// corresponding element of the body's records array as a full JSON parser reads it,
// with the key fields' values that element holds. And parse_page (its own one-pass
// scanner first) agrees with parse_page_by_boost (Boost.JSON's parser alone) on every
// page: both refuse it, or both give the same records, keys, pagination and latest
// cursor.
#include "logic/parse/page_parser.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

using klarna::logic::parsed_page;

const std::vector<std::string> key_fields{"payment_reference", "payout_date"};

std::optional<parsed_page> parsed(parsed_page (*parse)(std::string_view,
                                                       const klarna::logic::page_format&,
                                                       std::int64_t),
                                  std::string_view body) {
  try {
    // A page size as the connector asks for: both parsers refuse more records alike.
    return parse(body, {"payouts", "payout_date", key_fields, 64}, 1);
  } catch (const klarna::logic::page_error&) {
    return std::nullopt;
  }
}

bool same(const parsed_page& a, const parsed_page& b) {
  if (a.records.size() != b.records.size())
    return false;
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    if (a.records[i] != b.records[i])
      return false;
    for (const auto& field : key_fields)
      if (a.records.key(i, field) != b.records.key(i, field))
        return false;
  }
  return a.pagination.count == b.pagination.count && a.pagination.total == b.pagination.total
         && a.pagination.next == b.pagination.next && a.max_cursor == b.max_cursor;
}

// The value of `field` in `record` when it is a string.
std::optional<std::string> string_member(const boost::json::object& record, const std::string& field) {
  const auto* value = record.if_contains(field);
  if (value == nullptr || !value->is_string())
    return std::nullopt;
  return std::string(value->get_string());
}

// `text` as Boost.JSON reads it. Boost 1.81 reads a number by one of two routes,
// chosen by how many bytes follow it (33 or more: 16 digits at a time), and the two
// may differ in a double's last bit; with whitespace after the text, every number
// takes the same route wherever it stands, in a page or in a record on its own.
boost::json::value read_json(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 64;
  return boost::json::parse(std::string(text) + std::string(40, ' '), {}, options);
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
  auto expected = read_json(body).at("payouts").as_array();
  if (page->records.size() != expected.size())
    std::abort(); // records lost or added
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto record_text = page->records[i];
    if (record_text.find('\n') != std::string_view::npos)
      std::abort(); // a record that does not fit on one line
    auto record = read_json(record_text);
    // Compared as text: Boost reads 0e620015 as NaN, which equals nothing, not even itself.
    if (boost::json::serialize(record) != boost::json::serialize(expected[i]))
      std::abort(); // a record altered on its way through
    // A repeated member counts as its last value, in both.
    for (const auto& field : key_fields)
      if (page->records.key(i, field) != string_member(record.as_object(), field))
        std::abort(); // a key field the parser took wrongly
  }
  return 0;
}
