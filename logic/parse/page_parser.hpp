#pragma once

#include "protocol/record_batch.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace klarna::logic {

/// A page body that is not the collection it should be.
class page_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The `pagination` object of a page, as the planner needs it.
struct page_pagination {
  std::int64_t count = 0;
  std::optional<std::int64_t> total;
  std::optional<std::string> next;
};

/// What a page looks like and what the parser pulls out of its records.
struct page_format {
  /// The member that holds the records; empty when the body is the array itself.
  std::string records_key;
  /// A top-level date-time field of the records whose latest value is reported
  /// (empty: none).
  std::string cursor_field;
  /// Top-level fields whose string values are kept per record (record_batch::key);
  /// only for a records member (an array body has no key fields).
  std::vector<std::string> key_fields;
  /// A page holding more records than this (0: no limit) is refused as soon as the
  /// scan passes that many.
  std::uint64_t max_records = 0;
};

/// A page turned into output: its records plus pagination.
struct parsed_page {
  protocol::record_batch records;
  page_pagination pagination;
  /// The latest date-time among the records' cursor field (when one was named).
  std::optional<std::string> max_cursor;
};

/// Parses and validates a collection page ({"<records_key>": [objects...],
/// "pagination": {"count": n, ...}}, or a bare array of objects), then copies every
/// record, unchanged, into a record batch stamped `emitted_at_ms`. Nothing is kept
/// unless the whole page is valid. Throws page_error saying what is wrong.
parsed_page parse_page(std::string_view body, const page_format& format,
                       std::int64_t emitted_at_ms);

/// parse_page through Boost.JSON's parser alone, the reference: parse_page reads a
/// page with its own one-pass scanner (logic/parse/json_scanner.hpp) and hands every page
/// the scanner refuses to this, which accepts it or names the error.
parsed_page parse_page_by_boost(std::string_view body, const page_format& format,
                                std::int64_t emitted_at_ms);

} // namespace klarna::logic
