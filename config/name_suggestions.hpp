#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace klarna::config {

/// How many single-character insertions, deletions, substitutions or swaps of two
/// neighbours turn `a` into `b` (optimal string alignment distance).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The name among `known` closest to `name`, with its distance, when one is within
/// `max_distance` (the first of equally close names).
struct suggestion {
  std::string name;
  std::size_t distance = 0;
};
std::optional<suggestion> closest_name(const std::string& name,
                                       const std::vector<std::string>& known,
                                       std::size_t max_distance);

} // namespace klarna::config
