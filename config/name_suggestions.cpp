#include "config/name_suggestions.hpp"

#include <algorithm>

namespace klarna::config {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // d[i][j]: the distance between a's first i characters and b's first j.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1); // two neighbours swapped
    }
  return d[a.size()][b.size()];
}

std::optional<suggestion> closest_name(const std::string& name,
                                       const std::vector<std::string>& known,
                                       std::size_t max_distance) {
  std::optional<suggestion> best;
  for (const auto& candidate : known) {
    auto distance = edit_distance(name, candidate);
    if (distance <= max_distance && (!best || distance < best->distance))
      best = suggestion{candidate, distance};
  }
  return best;
}

} // namespace klarna::config
