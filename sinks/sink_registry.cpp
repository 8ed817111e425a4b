#include "sinks/sink_registry.hpp"

#include "config/input_error.hpp"

#include <algorithm>
#include <utility>

namespace klarna::sinks {

namespace {

// Filled by the sink_registration objects of the sink files, before main runs.
std::vector<sink_kind>& registered() {
  static std::vector<sink_kind> kinds;
  return kinds;
}

} // namespace

sink_registration::sink_registration(sink_kind kind) { registered().push_back(kind); }

std::vector<sink_kind> sink_kinds() {
  auto kinds = registered();
  std::sort(kinds.begin(), kinds.end(), [](const sink_kind& a, const sink_kind& b) {
    auto rank = [](const sink_kind& kind) { return std::string(kind.scheme) != "airbyte"; };
    return std::make_pair(rank(a), std::string(a.scheme)) < std::make_pair(rank(b), std::string(b.scheme));
  });
  return kinds;
}

std::string sink_usages() {
  std::string text;
  for (const auto& kind : sink_kinds())
    text += (text.empty() ? "" : ", ") + std::string(kind.usage);
  return text;
}

namespace {

// The kind of sink `uri` names and its target. Throws config::input_error.
std::pair<sink_kind, std::string> resolve(const std::string& uri) {
  auto colon = uri.find(':');
  auto scheme = uri.substr(0, colon);
  for (const auto& kind : sink_kinds()) {
    if (colon == std::string::npos || scheme != kind.scheme)
      continue;
    auto target = uri.substr(colon + 1);
    if (target.empty() && std::string(kind.usage).back() != ':')
      throw config::input_error("--sink " + uri + " names no target; expected " + kind.usage);
    return {kind, target};
  }
  throw config::input_error("--sink must be one of " + sink_usages() + ", got '" + uri + "'");
}

} // namespace

messages::sink_actor spawn_sink(caf::actor_system& system, const std::string& uri) {
  auto [kind, target] = resolve(uri);
  return kind.make(system, target);
}

bool keeps_state(const std::string& uri) { return resolve(uri).first.saved_states != nullptr; }

bool writes_stdout(const std::string& uri) { return resolve(uri).first.writes_stdout; }

bool upserts_keyed_records(const std::string& uri) {
  return resolve(uri).first.upserts_keyed_records;
}

std::unique_ptr<stores::destination_lock> lock_destination(const std::string& uri) {
  auto [kind, target] = resolve(uri);
  if (kind.lock == nullptr)
    return nullptr;
  return kind.lock(target);
}

std::map<std::string, stores::saved_state> saved_states_of(const std::string& uri) {
  auto [kind, target] = resolve(uri);
  if (kind.saved_states == nullptr)
    return {};
  return kind.saved_states(target);
}

} // namespace klarna::sinks
