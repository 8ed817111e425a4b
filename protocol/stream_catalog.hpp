#pragma once

#include "config/configured_catalog.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace klarna::protocol {

/// How a stream is read incrementally.
enum class incremental_by {
  none,        ///< full refresh only
  payout_date, ///< its records carry payout_date: the listing is filtered from the last one
  payout,      ///< read per new payout (/transactions?payment_reference=...)
  month,       ///< one request per calendar month; the last two months are read again
};

/// One collection of the Settlements API that the connector reads.
struct stream_definition {
  /// Airbyte stream name ("payouts").
  std::string name;
  /// Path below the API root ("settlements/v1/payouts").
  std::string path;
  /// Key of the records array in a page body; empty when the body is the array
  /// itself, one page per request (payout summaries).
  std::string records_key;
  /// Source-defined primary key (field paths); empty when no field is unique.
  std::vector<std::vector<std::string>> primary_key;
  /// Whether the config's start_date applies as the `start_date` query filter.
  bool filters_by_start_date = false;
  incremental_by incremental = incremental_by::none;
  /// The cursor discover declares, a field of the records: payout_date for payouts;
  /// payment_reference for transactions, whose payout decides whether it is new;
  /// summary_payout_date_start for payout summaries.
  std::string cursor_field;
  /// Fields the reader takes from each record as the parser passes it: a payout's
  /// payment_reference (whose transactions to list) and payout_date (the cursor).
  std::vector<std::string> key_fields;

  bool supports_incremental() const { return incremental != incremental_by::none; }
};

/// Every stream, in the order discover lists them.
const std::vector<stream_definition>& all_streams();

/// The stream called `name`, or nullptr.
const stream_definition* find_stream(const std::string& name);

/// The JSON schema of a stream's records, from the OpenAPI document's objects:
/// every field with its type, format and enum; optional fields nullable.
boost::json::value stream_json_schema(const stream_definition& stream);

/// The AirbyteCatalog that discover prints.
boost::json::value airbyte_catalog();

/// A ConfiguredAirbyteCatalog that reads `selected` (each stream as discover
/// describes it, in its mode: records appended for incremental, overwritten for a
/// full refresh, or deduplicated by the primary key where a stream has one).
boost::json::value configured_catalog(const std::vector<config::selected_stream>& selected);

} // namespace klarna::protocol
