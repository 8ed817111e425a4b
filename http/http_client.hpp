#pragma once

#include "http/rate_signals.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace klarna::config {
struct connector_config;
}

namespace klarna::http {

/// One GET to perform.
struct http_request {
  std::uint64_t id = 0;
  std::string url;
  /// On a new connection rather than an idle one (a retry after a failure: the
  /// connection or the server behind it may be what failed).
  bool fresh_connection = false;
};

/// Its outcome. `status` is 0 when no HTTP response arrived; then `transport_error`
/// says why (curl's text, which never contains the password).
struct http_response {
  std::uint64_t id = 0;
  long status = 0;
  std::string body;
  std::string transport_error;
  /// curl's error code (CURLcode) for transport errors, 0 otherwise.
  int transport_code = 0;
  /// A Retry-After header, when the response had a readable one.
  std::optional<http::retry_after> retry_after;
  /// The tightest quota announced in X-RateLimit-Limit, RateLimit-Policy or
  /// RateLimit-Limit, when the response announced one.
  std::optional<announced_quota> quota;
  /// X-RateLimit-Remaining / RateLimit's r=, and the seconds until the window
  /// resets (X-RateLimit-Reset / t=), when announced.
  std::optional<double> quota_remaining;
  std::optional<double> quota_reset_seconds;
  double elapsed_seconds = 0;
};

/// Connection settings shared by every request.
struct http_settings {
  /// The Authorization header's value (config::authorization_value).
  std::string authorization;
  /// The config's connect, stalled-transfer (slower than 1 KiB/s for this long) and
  /// request timeouts (http_settings_for).
  long connect_timeout_ms = 0;
  long low_speed_time_s = 0;
  long total_timeout_ms = 0;
  /// Connections open at once, and so the most TLS handshakes a sync makes (they
  /// are kept alive and reused by every request and stream).
  long max_connections = 64;
  /// CA certificates (PEM) that verify the API host instead of the system's trust
  /// store (the config field ca_certificate); empty for the default.
  std::string ca_certificate_pem;
  /// A CA bundle file or a hashed CA directory from the environment, as curl's own
  /// tool takes them (CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR).
  std::string ca_file;
  std::string ca_directory;
  /// A response body beyond this is aborted (a page of 500 records is well under 1 MiB).
  std::size_t max_body_bytes = 64 << 20;
};

/// Where the fetcher's GETs go: the http_client, or a stand-in in actor tests.
class http_transport {
public:
  virtual ~http_transport() = default;
  /// Performs `request`; its http_response comes back through the completion
  /// handler the transport was made with.
  virtual void submit(http_request request) = 0;
};

/// GETs over one libcurl multi handle driven by its own I/O thread
/// (curl_multi_poll, woken by curl_multi_wakeup): connections, TLS sessions, the
/// CA store and DNS answers are reused by every request, and many transfers run at
/// once, each new one on a connection of its own when none is idle (no waiting
/// behind another request). Certificate and host verification are always on. `submit` may be called from any thread; each completion
/// is handed to the callback on the I/O thread, which must not block.
class http_client : public http_transport {
public:
  using completion_handler = std::function<void(http_response)>;

  http_client(http_settings settings, completion_handler on_complete);
  ~http_client() override;

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void submit(http_request request) override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The credentials, timeouts and trust of `config` and the environment.
http_settings http_settings_for(const config::connector_config& config);

/// Whether a transport failure may go away on a retry: a certificate that cannot be
/// verified or a URL curl refuses stays as it is (a configuration error).
bool is_retryable_transport_error(int curl_code);

/// A human text for a transport failure (unknown host, TLS, timeout ...).
std::string describe_transport_error(int curl_code, const std::string& curl_text);

} // namespace klarna::http
