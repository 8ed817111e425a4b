#pragma once

#include <optional>
#include <string>

namespace klarna::config {

/// Klarna's API regions.
enum class region { eu, na, oc };

/// Parses "eu", "na", "oc" (and "us", an alias of "na"); nullopt otherwise.
std::optional<region> parse_region(const std::string& text);

/// The canonical name of a region ("eu", "na", "oc").
const char* to_string(region r);

/// Klarna's API base URL for a region, with a trailing slash:
/// eu https://api.klarna.com/, na https://api-na.klarna.com/, oc https://api-oc.klarna.com/;
/// the playground inserts "playground." (https://api.playground.klarna.com/ ...).
std::string klarna_base_url(region r, bool playground);

} // namespace klarna::config
