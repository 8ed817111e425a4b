#include "stores/table_layout.hpp"

#include <boost/json/value.hpp>

namespace klarna::stores {

namespace {

// The JSON type of a property ("string", or the non-null one of ["null", "string"]).
std::string scalar_type_of(const boost::json::object& property) {
  auto* type = property.if_contains("type");
  if (type == nullptr)
    return {};
  if (type->is_string())
    return std::string(type->get_string());
  if (type->is_array())
    for (const auto& entry : type->get_array())
      if (entry.is_string() && entry.get_string() != "null")
        return std::string(entry.get_string());
  return {};
}

bool column_for(const std::string& json_type, table_column::type& kind) {
  if (json_type == "integer")
    kind = table_column::type::integer;
  else if (json_type == "number")
    kind = table_column::type::real;
  else if (json_type == "string")
    kind = table_column::type::text;
  else if (json_type == "boolean")
    kind = table_column::type::boolean;
  else
    return false;
  return true;
}

} // namespace

table_layout layout_for(const std::string& stream, const boost::json::value& schema,
                        std::vector<std::string> primary_key) {
  table_layout layout;
  layout.table = stream;
  layout.primary_key = std::move(primary_key);
  const auto* properties = schema.as_object().if_contains("properties");
  if (properties == nullptr)
    return layout;
  for (const auto& [name, value] : properties->as_object()) {
    const auto& property = value.as_object();
    auto type = scalar_type_of(property);
    table_column column;
    if (column_for(type, column.kind)) {
      layout.columns.push_back({std::string(name), {std::string(name)}, column.kind});
    } else if (type == "object" && name == "totals") {
      // A payout's totals: one column per amount, which reports sum and compare.
      for (const auto& [field, inner] : property.at("properties").as_object())
        if (column_for(scalar_type_of(inner.as_object()), column.kind))
          layout.columns.push_back({"totals_" + std::string(field),
                                    {std::string(name), std::string(field)}, column.kind});
    }
  }
  return layout;
}

} // namespace klarna::stores
