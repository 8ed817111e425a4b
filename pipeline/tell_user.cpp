#include "pipeline/tell_user.hpp"

#include "config/printable_text.hpp"

#include <iostream>

namespace klarna::pipeline {

void tell_user(const std::string& text) {
  std::cerr << "source-klarna: " << config::text_for_output(text) << '\n';
}

} // namespace klarna::pipeline
