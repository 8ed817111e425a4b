#include "stores/copy_binary.hpp"

#include <cstdint>
#include <cstring>

namespace klarna::stores {

namespace {

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out += static_cast<char>((value >> shift) & 0xff);
}

void append_field(std::string& out, std::string_view bytes) {
  append_big_endian(out, bytes.size(), 4);
  out.append(bytes);
}

std::uint64_t bits_of(double real) {
  std::uint64_t bits;
  std::memcpy(&bits, &real, sizeof bits);
  return bits;
}

void append_value(std::string& out, const field_value& value) {
  switch (value.kind) {
    case field_value::type::null:
    case field_value::type::big_integer:
      append_big_endian(out, 0xffffffff, 4); // -1: NULL
      break;
    case field_value::type::integer:
      append_big_endian(out, 8, 4);
      append_big_endian(out, static_cast<std::uint64_t>(value.integer), 8);
      break;
    case field_value::type::real:
      append_big_endian(out, 8, 4);
      append_big_endian(out, bits_of(value.real), 8);
      break;
    case field_value::type::boolean:
      append_big_endian(out, 1, 4);
      out += static_cast<char>(value.integer != 0 ? 1 : 0);
      break;
    case field_value::type::text:
      append_field(out, value.text);
      break;
  }
}

} // namespace

void append_copy_row(std::string& out, const std::vector<field_value>& values,
                     std::string_view record) {
  append_big_endian(out, values.size() + 1, 2);
  for (const auto& value : values)
    append_value(out, value);
  append_field(out, record);
}

} // namespace klarna::stores
