#include "config/input_error.hpp"

namespace klarna::config {

const char* to_string(failure_type type) {
  switch (type) {
    case failure_type::config_error:
      return "config_error";
    case failure_type::transient_error:
      return "transient_error";
    case failure_type::system_error:
      return "system_error";
  }
  return "system_error";
}

} // namespace klarna::config
