#include "config/stream_selection.hpp"

#include "config/input_error.hpp"
#include "config/name_suggestions.hpp"

#include <algorithm>

namespace klarna::config {

namespace {

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> names;
  std::string name;
  for (char c : list + ",") {
    if (c != ',') {
      if (c != ' ')
        name += c;
      continue;
    }
    if (!name.empty())
      names.push_back(name);
    name.clear();
  }
  return names;
}

const known_stream& find_known(const std::string& name, const std::vector<known_stream>& known) {
  auto found = std::find_if(known.begin(), known.end(),
                            [&](const known_stream& stream) { return stream.name == name; });
  if (found != known.end())
    return *found;
  std::vector<std::string> names;
  for (const auto& stream : known)
    names.push_back(stream.name);
  std::string hint;
  if (auto meant = closest_name(name, names, 3))
    hint = "did you mean '" + meant->name + "'? ";
  throw input_error("--streams names unknown stream '" + name + "'; " + hint
                    + "this source has: " + names_of(known));
}

} // namespace

std::vector<selected_stream> select_streams(const std::string& list, mode_choice choice,
                                            sync_mode default_mode,
                                            const std::vector<known_stream>& known) {
  std::vector<std::string> names = split_names(list);
  if (names.empty())
    for (const auto& stream : known)
      names.push_back(stream.name);
  std::vector<selected_stream> selected;
  for (const auto& name : names) {
    const auto& stream = find_known(name, known);
    for (const auto& earlier : selected)
      if (earlier.name == name)
        throw input_error("--streams names '" + name + "' twice");
    if (choice == mode_choice::incremental && !stream.incremental)
      throw input_error("--incremental: stream '" + name + "' can only be read in full");
    auto mode = choice == mode_choice::full_refresh  ? sync_mode::full_refresh
                : choice == mode_choice::incremental ? sync_mode::incremental
                : stream.incremental                 ? default_mode
                                                     : sync_mode::full_refresh;
    selected.push_back({name, mode});
  }
  return selected;
}

} // namespace klarna::config
