#include "sandbox/fault_injector.hpp"

#include <utility>

namespace klarna::sandbox {

namespace {

const std::pair<const char*, fault> fault_names[] = {
  {"500", fault::status_500},   {"502", fault::status_502},
  {"503", fault::status_503},   {"504", fault::status_504},
  {"reset", fault::reset},      {"truncated", fault::truncated},
  {"malformed", fault::malformed}, {"wrong_shape", fault::wrong_shape},
  {"slow", fault::slow},
};

} // namespace

fault_injector::fault_injector(fault_options options)
  : options_(std::move(options)), random_(options_.seed) {
  if (options_.kinds.empty())
    for (const auto& [name, kind] : fault_names)
      options_.kinds.push_back(kind);
}

fault fault_injector::draw() {
  if (options_.rate <= 0)
    return fault::none;
  std::lock_guard<std::mutex> guard(mutex_);
  std::uniform_real_distribution<double> chance(0, 1);
  if (chance(random_) >= options_.rate)
    return fault::none;
  std::uniform_int_distribution<std::size_t> pick(0, options_.kinds.size() - 1);
  return options_.kinds[pick(random_)];
}

std::optional<fault> fault_injector::parse(const std::string& name) {
  for (const auto& [known, kind] : fault_names)
    if (name == known)
      return kind;
  return std::nullopt;
}

std::string fault_injector::names() {
  std::string text;
  for (const auto& [name, kind] : fault_names)
    text += (text.empty() ? "" : ",") + std::string(name);
  return text;
}

} // namespace klarna::sandbox
