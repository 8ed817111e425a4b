#pragma once

// The one declaration of every config field. The specification (`spec`), the
// validation and defaults of parse_connector_config, the list of known fields and
// the table in docs/CONFIGURATION.md all come from config_fields(); a unit test
// checks that they agree. A new field is one entry here and one member of
// connector_config.

#include "config/connector_config.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace klarna::config {

/// Where a checked value goes in connector_config. std::monostate: the field needs
/// converting first (region, base_url), which parse_connector_config does itself.
using field_target = std::variant<std::monostate, std::string connector_config::*,
                                  std::optional<std::string> connector_config::*,
                                  bool connector_config::*, int connector_config::*,
                                  double connector_config::*>;

/// One field of the connector's configuration.
struct config_field {
  config_field(const char* name, const char* title, const char* description,
               const char* meaning, const char* type, field_target target)
      : name(name), title(title), description(description), meaning(meaning), type(type),
        target(target) {}

  const char* name;
  /// What Airbyte's form shows above the field.
  const char* title;
  /// The specification's description (Airbyte's form shows it under the field).
  const char* description;
  /// docs/CONFIGURATION.md's "meaning" column: the same, for someone who edits JSON.
  const char* meaning;
  /// The JSON type: "string", "boolean", "integer" or "number".
  const char* type;
  field_target target;
  bool required = false;
  /// The password: marked airbyte_secret, never quoted, redacted everywhere.
  bool secret = false;
  /// Inclusive bounds of an integer or number.
  std::optional<double> minimum;
  std::optional<double> maximum;
  /// The value when the field is absent, as JSON text ("500", "false"); empty when
  /// there is none or it depends on other fields (then `default_text` says which).
  const char* default_json = "";
  /// The "default" column of the docs when `default_json` cannot say it.
  const char* default_text = "";
  /// The allowed values of a string, and how the docs' "type" column words the
  /// value when the JSON type and the bounds do not say enough.
  std::vector<const char*> allowed;
  const char* type_text = "";
  /// JSON Schema extras of the specification.
  const char* pattern = "";
  /// "date" or "date-time": Airbyte's form shows a picker that writes that format.
  const char* format = "";
  std::vector<const char*> examples;
  bool multiline = false;
};

/// Every field, in the order of the specification's `order`.
const std::vector<config_field>& config_fields();

/// The field called `name`, or nullptr.
const config_field* find_config_field(const std::string& name);

/// docs/CONFIGURATION.md's table of fields (Markdown), rendered from config_fields().
std::string config_fields_markdown();

} // namespace klarna::config
