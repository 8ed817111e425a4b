#include "stores/copy_binary.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace klarna::stores;

namespace {

field_value value_of(field_value::type kind, std::int64_t integer = 0, double real = 0,
                     std::string_view text = {}) {
  field_value value;
  value.kind = kind;
  value.integer = integer;
  value.real = real;
  value.text = text;
  return value;
}

} // namespace

TEST_CASE("a COPY row in binary format: field count, then each field's big-endian length "
          "and bytes, NULL as length -1",
          "[stores]") {
  std::vector<field_value> values{
    value_of(field_value::type::null),
    value_of(field_value::type::integer, -2),
    value_of(field_value::type::big_integer, 0, 0, "18446744073709551616"),
    value_of(field_value::type::real, 0, 1.5),
    value_of(field_value::type::boolean, 1),
    value_of(field_value::type::text, 0, 0, "\xc3\xa9"),
  };
  std::string row;
  append_copy_row(row, values, R"({"a":1})");

  using namespace std::string_literals;
  auto expected = "\x00\x07"s                                       // 6 columns and _record
                  + "\xff\xff\xff\xff"s                             // null
                  + "\x00\x00\x00\x08\xff\xff\xff\xff\xff\xff\xff\xfe"s // -2 as int8
                  + "\xff\xff\xff\xff"s                             // beyond BIGINT: NULL
                  + "\x00\x00\x00\x08\x3f\xf8\x00\x00\x00\x00\x00\x00"s // 1.5 as float8
                  + "\x00\x00\x00\x01\x01"s                         // true
                  + "\x00\x00\x00\x02\xc3\xa9"s                     // "é"
                  + "\x00\x00\x00\x07{\"a\":1}"s;                   // _record
  CHECK(row == expected);
}

TEST_CASE("a binary COPY starts with PostgreSQL's signature and no flags and ends with "
          "a field count of -1",
          "[stores]") {
  using namespace std::string_literals;
  CHECK(std::string(copy_binary_header) == "PGCOPY\n\xff\r\n\x00"s + std::string(8, '\0'));
  CHECK(std::string(copy_binary_trailer) == "\xff\xff"s);
}
