#include "config/connector_spec.hpp"

#include "config/config_fields.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <string>

namespace klarna::config {

namespace {

// Bounds as the JSON type says: 500 for an integer, 0.001 for a number.
boost::json::value number_value(const config_field& field, double bound) {
  if (std::string(field.type) == "integer")
    return static_cast<std::int64_t>(bound);
  return bound;
}

boost::json::value property_of(const config_field& field, std::size_t order) {
  boost::json::object property;
  property["title"] = field.title;
  property["description"] = field.description;
  property["type"] = field.type;
  if (!field.allowed.empty()) {
    boost::json::array values;
    for (const char* value : field.allowed)
      values.emplace_back(value);
    property["enum"] = std::move(values);
  }
  if (field.secret)
    property["airbyte_secret"] = true;
  if (*field.pattern != '\0')
    property["pattern"] = field.pattern;
  if (*field.format != '\0')
    property["format"] = field.format;
  if (field.minimum)
    property["minimum"] = number_value(field, *field.minimum);
  if (field.maximum)
    property["maximum"] = number_value(field, *field.maximum);
  if (*field.default_json != '\0')
    property["default"] = boost::json::parse(field.default_json);
  if (field.multiline)
    property["multiline"] = true;
  if (!field.examples.empty()) {
    boost::json::array values;
    for (const char* value : field.examples)
      values.emplace_back(value);
    property["examples"] = std::move(values);
  }
  property["order"] = order;
  return property;
}

} // namespace

boost::json::value connector_specification() {
  boost::json::object properties;
  boost::json::array required;
  std::size_t order = 0;
  for (const auto& field : config_fields()) {
    properties[field.name] = property_of(field, order++);
    if (field.required)
      required.emplace_back(field.name);
  }
  boost::json::object schema;
  schema["$schema"] = "http://json-schema.org/draft-07/schema#";
  schema["title"] = "Klarna Settlements Spec";
  schema["type"] = "object";
  schema["required"] = std::move(required);
  // Fields of other connector versions are ignored with a warning, not refused.
  schema["additionalProperties"] = true;
  schema["properties"] = std::move(properties);
  return boost::json::object{
    {"documentationUrl", "https://docs.airbyte.com/integrations/sources/klarna"},
    {"connectionSpecification", std::move(schema)}};
}

} // namespace klarna::config
