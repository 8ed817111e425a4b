#include "config/secret_reference.hpp"

#include "config/input_error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace klarna::config {

namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

std::string from_environment(const std::string& name, const std::string& field) {
  const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
  if (value == nullptr || *value == '\0')
    throw input_error(field + " refers to environment variable '" + name
                      + "', which is not set or empty");
  return value;
}

std::string from_file(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw input_error(field + " refers to file '" + path + "', which cannot be read ("
                      + std::strerror(errno) + ")");
  std::ostringstream content;
  content << in.rdbuf();
  auto secret = content.str();
  // The line break an editor or `echo` leaves at the end is not part of the secret.
  if (!secret.empty() && secret.back() == '\n')
    secret.pop_back();
  if (!secret.empty() && secret.back() == '\r')
    secret.pop_back();
  if (secret.empty())
    throw input_error(field + " refers to file '" + path + "', which is empty");
  return secret;
}

} // namespace

std::string resolve_secret_reference(const std::string& value, const std::string& field) {
  if (starts_with(value, "env:"))
    return from_environment(value.substr(4), field);
  if (starts_with(value, "file:"))
    return from_file(value.substr(5), field);
  return value;
}

} // namespace klarna::config
