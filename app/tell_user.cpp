#include "app/tell_user.hpp"

#include "config/secrets.hpp"

#include <iostream>

namespace klarna::app {

void tell_user(const std::string& text) {
  std::cerr << "source-klarna: " << config::redact_secrets(text) << '\n';
}

} // namespace klarna::app
