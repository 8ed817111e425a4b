#pragma once

#include "logic/page_plan.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace klarna::logic {

/// A page body that is not the collection it should be.
class page_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A page turned into output: its records as Airbyte RECORD lines plus pagination.
struct parsed_page {
  std::string record_lines;
  std::uint64_t record_count = 0;
  page_pagination pagination;
  /// The latest date-time among the records' cursor field (when one was named).
  std::optional<std::string> max_cursor;
};

/// Parses and validates a collection page ({"<records_key>": [objects...],
/// "pagination": {"count": n, ...}}), then renders every record, unchanged, as a
/// RECORD line of `stream`. Nothing is rendered unless the whole page is valid.
/// `cursor_field`, unless empty, names a top-level date-time field of the records
/// whose latest value is reported. A page holding more than `max_records` records
/// (0: no limit) is refused as soon as the scan passes that many. Throws page_error
/// saying what is wrong.
parsed_page parse_page(std::string_view body, const std::string& records_key,
                       const std::string& stream, std::int64_t emitted_at_ms,
                       const std::string& cursor_field = {}, std::uint64_t max_records = 0);

/// parse_page through Boost.JSON's parser alone, the reference: parse_page reads a
/// page with its own one-pass scanner (logic/json_scanner.hpp) and hands every page
/// the scanner refuses to this, which accepts it or names the error.
parsed_page parse_page_by_boost(std::string_view body, const std::string& records_key,
                                const std::string& stream, std::int64_t emitted_at_ms,
                                const std::string& cursor_field = {},
                                std::uint64_t max_records = 0);

} // namespace klarna::logic
