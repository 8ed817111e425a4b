#include "config/basic_token.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace klarna::config {

std::string basic_token(const std::string& username, const std::string& password) {
  namespace b64 = boost::beast::detail::base64;
  std::string credentials = username + ":" + password;
  std::string token(b64::encoded_size(credentials.size()), '\0');
  token.resize(b64::encode(token.data(), credentials.data(), credentials.size()));
  return token;
}

} // namespace klarna::config
