#pragma once

#include "stores/record_fields.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace klarna::stores {

/// PostgreSQL's COPY binary format ("COPY ... FROM STDIN (FORMAT binary)"): a header,
/// then per row a 16-bit field count and each field as a 32-bit length (-1 for NULL)
/// and its bytes in the column type's binary form, all big-endian; a 16-bit -1 ends
/// the data. The server then looks for no delimiters nor escapes: in COPY's text
/// format a third of its time went to finding them in each record's JSON.
inline constexpr std::string_view copy_binary_header{"PGCOPY\n\377\r\n\0" // signature
                                                     "\0\0\0\0"               // flags
                                                     "\0\0\0\0",              // extension length
                                                     19};
inline constexpr std::string_view copy_binary_trailer{"\377\377", 2};

/// Appends one row: the columns' values (BIGINT, DOUBLE PRECISION, BOOLEAN, TEXT; NULL
/// for null and for integers beyond BIGINT, which the record keeps), then `record` as
/// the json `_record`.
void append_copy_row(std::string& out, const std::vector<field_value>& values,
                     std::string_view record);

} // namespace klarna::stores
