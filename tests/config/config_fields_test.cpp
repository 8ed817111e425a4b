// The config table against what is built from it and what the user reads: the
// specification, the validator and docs/CONFIGURATION.md must agree for every field.
#include "config/config_fields.hpp"
#include "config/connector_config.hpp"
#include "config/connector_spec.hpp"
#include "config/input_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace klarna::config;

namespace {

boost::json::object minimal_config() {
  return boost::json::object{{"region", "eu"}, {"username", "u"}, {"password", "p"}};
}

// The error of parsing `config`, or "" when it is accepted.
std::string error_of(const boost::json::object& config) {
  try {
    parse_connector_config(config);
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

boost::json::object with(const char* name, boost::json::value value) {
  auto config = minimal_config();
  config[name] = std::move(value);
  return config;
}

boost::json::value bound(const config_field& field, double value) {
  if (std::string(field.type) == "integer")
    return static_cast<std::int64_t>(value);
  return value;
}

// What the validator stored for `field`, as JSON (null for fields it converts).
boost::json::value stored(const config_field& field, const connector_config& cfg) {
  struct reader {
    const connector_config& cfg;
    boost::json::value operator()(std::monostate) const { return nullptr; }
    boost::json::value operator()(std::string connector_config::*member) const {
      return boost::json::value(cfg.*member);
    }
    boost::json::value operator()(std::optional<std::string> connector_config::*member) const {
      if (!(cfg.*member))
        return nullptr;
      return boost::json::value(*(cfg.*member));
    }
    boost::json::value operator()(bool connector_config::*member) const { return cfg.*member; }
    boost::json::value operator()(int connector_config::*member) const { return cfg.*member; }
    boost::json::value operator()(double connector_config::*member) const {
      return cfg.*member;
    }
  };
  return std::visit(reader{cfg}, field.target);
}

const boost::json::object& spec_properties() {
  static const auto spec = connector_specification();
  return spec.at("connectionSpecification").at("properties").as_object();
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("the specification lists exactly the table's fields, in its order", "[config]") {
  const auto& properties = spec_properties();
  REQUIRE(properties.size() == config_fields().size());
  std::size_t order = 0;
  for (const auto& field : config_fields()) {
    INFO(field.name);
    REQUIRE(properties.contains(field.name));
    const auto& property = properties.at(field.name).as_object();
    CHECK(property.at("type") == field.type);
    CHECK(property.at("order") == order++);
    CHECK(property.contains("airbyte_secret") == field.secret);
  }
}

TEST_CASE("every field of the table is known to the validator, others are ignored",
          "[config]") {
  auto config = minimal_config();
  for (const auto& field : config_fields())
    if (!config.contains(field.name))
      config[field.name] = nullptr; // null means absent for every field
  config["not_a_field"] = 1;
  auto cfg = parse_connector_config(config);
  CHECK(cfg.ignored_fields == std::vector<std::string>{"not_a_field"});
}

TEST_CASE("required fields: the specification's list is what the validator demands",
          "[config]") {
  auto spec = connector_specification();
  const auto& required = spec.at("connectionSpecification").at("required").as_array();
  for (const auto& field : config_fields()) {
    INFO(field.name);
    bool listed = std::find(required.begin(), required.end(), boost::json::value(field.name))
                  != required.end();
    CHECK(listed == field.required);
    auto config = minimal_config();
    config.erase(field.name);
    auto error = error_of(config);
    if (field.required)
      CHECK(error.find(std::string("'") + field.name + "' is required") != std::string::npos);
    else
      CHECK(error.empty());
  }
}

TEST_CASE("bounds: the specification's minimum and maximum are what the validator accepts",
          "[config]") {
  for (const auto& field : config_fields()) {
    INFO(field.name);
    const auto& property = spec_properties().at(field.name).as_object();
    CHECK(property.contains("minimum") == field.minimum.has_value());
    CHECK(property.contains("maximum") == field.maximum.has_value());
    if (!field.minimum || !field.maximum)
      continue;
    CHECK(property.at("minimum").to_number<double>() == *field.minimum);
    CHECK(property.at("maximum").to_number<double>() == *field.maximum);
    CHECK(error_of(with(field.name, bound(field, *field.minimum))).empty());
    CHECK(error_of(with(field.name, bound(field, *field.maximum))).empty());
    double step = std::string(field.type) == "integer" ? 1 : *field.maximum / 1000;
    for (double outside : {*field.minimum - step, *field.maximum + step}) {
      auto error = error_of(with(field.name, bound(field, outside)));
      CHECK(error.find(std::string("'") + field.name + "' must be") != std::string::npos);
    }
  }
}

TEST_CASE("types: a value of the wrong JSON type is refused, naming the field", "[config]") {
  for (const auto& field : config_fields()) {
    INFO(field.name);
    auto error = error_of(with(field.name, boost::json::array{1}));
    CHECK(error.find(std::string("'") + field.name + "' must be") != std::string::npos);
    CHECK(error.find("got array") != std::string::npos);
  }
}

TEST_CASE("defaults: an absent field gets the specification's default", "[config]") {
  auto cfg = parse_connector_config(minimal_config());
  for (const auto& field : config_fields()) {
    INFO(field.name);
    const auto& property = spec_properties().at(field.name).as_object();
    CHECK(property.contains("default") == (*field.default_json != '\0'));
    if (!property.contains("default"))
      continue;
    auto value = stored(field, cfg);
    const auto& expected = property.at("default");
    if (expected.is_number())
      CHECK(value.to_number<double>() == expected.to_number<double>());
    else
      CHECK(value == expected);
  }
  // The one default the specification cannot state: it depends on playground.
  CHECK(cfg.requests_per_second == 200);
  CHECK(parse_connector_config(with("playground", true)).requests_per_second == 50);
}

TEST_CASE("allowed values: the specification's enum is what the validator accepts",
          "[config]") {
  for (const auto& field : config_fields()) {
    if (field.allowed.empty())
      continue;
    INFO(field.name);
    for (const char* value : field.allowed)
      CHECK(error_of(with(field.name, value)).empty());
    CHECK(error_of(with(field.name, "no-such-value")).find("must be one of")
          != std::string::npos);
  }
}

TEST_CASE("docs/CONFIGURATION.md shows the table rendered from the fields", "[config]") {
  auto docs = file_text(KLARNA_SOURCE_DIR "/docs/CONFIGURATION.md");
  auto table = config_fields_markdown();
  bool shown = docs.find(table) != std::string::npos;
  if (!shown)
    std::ofstream("config_fields_table.md") << table;
  INFO("docs/CONFIGURATION.md must contain the table written to config_fields_table.md in "
       "the test's working directory (replace the old table with it)");
  CHECK(shown);
}
