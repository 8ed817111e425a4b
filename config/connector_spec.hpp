#pragma once

#include <boost/json/value.hpp>

namespace klarna::config {

/// The ConnectorSpecification that `spec` prints: documentation URL and the
/// draft-07 JSON schema of the config (see connector_config).
boost::json::value connector_specification();

} // namespace klarna::config
