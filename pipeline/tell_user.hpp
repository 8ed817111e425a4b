#pragma once

#include <string>

namespace klarna::pipeline {

/// A line for people on stderr ("source-klarna: <text>"), with secrets redacted.
void tell_user(const std::string& text);

} // namespace klarna::pipeline
