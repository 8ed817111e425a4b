#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace klarna::config {
struct connector_config;
}

namespace klarna::actors {

/// One GET to perform.
struct http_request {
  std::uint64_t id = 0;
  std::string url;
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
  /// Seconds from a Retry-After header, when the response had one.
  std::optional<double> retry_after_seconds;
  double elapsed_seconds = 0;
};

/// Connection settings shared by every request.
struct http_settings {
  std::string username;
  std::string password;
  long connect_timeout_ms = 10'000;
  /// A transfer slower than 1 KiB/s for this long is aborted.
  long low_speed_time_s = 30;
  long total_timeout_ms = 120'000;
  long max_connections = 64;
  /// A response body beyond this is aborted (a page of 500 records is well under 1 MiB).
  std::size_t max_body_bytes = 64 << 20;
};

/// GETs over one libcurl multi handle driven by its own I/O thread
/// (curl_multi_poll, woken by curl_multi_wakeup): connections are reused and many
/// transfers run at once. `submit` may be called from any thread; each completion
/// is handed to the callback on the I/O thread, which must not block.
class http_client {
public:
  using completion_handler = std::function<void(http_response)>;

  http_client(http_settings settings, completion_handler on_complete);
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void submit(http_request request);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The credentials and timeouts of `config`.
http_settings http_settings_for(const config::connector_config& config);

/// A human text for a transport failure (unknown host, TLS, timeout ...).
std::string describe_transport_error(int curl_code, const std::string& curl_text);

} // namespace klarna::actors
