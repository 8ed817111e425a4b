#pragma once

#include "sandbox/background_traffic.hpp"
#include "sandbox/fault_injector.hpp"
#include "sandbox/request_router.hpp"
#include "sandbox/sliding_window_limiter.hpp"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace klarna::sandbox {

/// How the server behaves on the wire.
struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  unsigned threads = 2;
  /// The rate limits enforced together (none = unlimited).
  std::vector<sliding_window_limiter::limit> rate_limits;
  /// Send Retry-After with 429 and injected 503 answers: whole seconds until the
  /// limit has room (rounded up; 1 for a 503), or `retry_after_value` as given.
  bool retry_after = false;
  std::string retry_after_value;
  /// Announce the tightest limit on every answer: "x-ratelimit" (X-RateLimit-Limit
  /// "N, N;w=S", -Remaining, -Reset) or "ietf" (RateLimit-Policy, RateLimit); empty
  /// for none.
  std::string rate_limit_headers;
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds jitter{0};
  /// When set, one line per request: "<ms since start> <status> <target>"; status 0
  /// for a connection reset or a truncated body.
  std::string request_log_path;
  /// When set, one line per accepted connection: "<ms since start> <http|https>".
  std::string connection_log_path;
  /// Faults injected into answers that would have succeeded.
  fault_options faults;
  /// The merchant's other traffic, counted in the same rate limits while serving.
  background_options background;
  /// How late a `slow` fault answers.
  std::chrono::milliseconds slow_delay{10'000};
  /// Serve HTTPS with this certificate chain and key (PEM); empty for plain http.
  std::string tls_certificate_pem;
  std::string tls_private_key_pem;
};

/// A keep-alive HTTP/1.1 server (Boost.Beast), over TLS when given a certificate, in
/// front of a request_router, adding the rate limits, rate-limit headers and latency
/// that make it behave like Klarna under load.
class http_server {
public:
  explicit http_server(server_options options);
  ~http_server();

  /// Binds the listening socket; returns the port (useful when asked for port 0).
  unsigned short bind();

  /// Serves with `router` until SIGINT or SIGTERM.
  void run(const request_router& router);

  /// The server's state; named here so the connection code in the .cpp can use it.
  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace klarna::sandbox
