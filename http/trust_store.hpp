#pragma once

#include <memory>
#include <string>

namespace klarna::http {

/// Where the trusted CA certificates come from, as curl's own tool reads them.
struct trust_sources {
  /// The config's ca_certificate (PEM text): replaces the bundle.
  std::string pem;
  /// CURL_CA_BUNDLE, else SSL_CERT_FILE; empty for libcurl's default bundle.
  std::string bundle_file;
  /// SSL_CERT_DIR: a directory hashed by `openssl rehash`, read as certificates are
  /// looked up; empty for none.
  std::string directory;
};

/// The CA certificates every TLS connection of the process verifies against, built
/// once, at the first handshake, and shared by every connection. libcurl makes an
/// OpenSSL context per connection and fills it from the files each time (always when
/// a CA directory is set), which costs a whole bundle's parsing per connection.
/// Used by the HTTP client's I/O thread only.
class trust_store {
public:
  explicit trust_store(trust_sources sources);
  ~trust_store();
  trust_store(const trust_store&) = delete;
  trust_store& operator=(const trust_store&) = delete;

  /// Makes `ssl_ctx` (an OpenSSL SSL_CTX*, as libcurl's CURLOPT_SSL_CTX_FUNCTION
  /// passes it) verify against this store; false when the store cannot be built
  /// (error() says why).
  bool install(void* ssl_ctx);

  /// Why the store could not be built; empty while it could.
  const std::string& error() const { return error_; }

private:
  void build();

  struct store_owner;
  trust_sources sources_;
  std::unique_ptr<store_owner> store_;
  std::string error_;
  bool built_ = false;
};

} // namespace klarna::http
