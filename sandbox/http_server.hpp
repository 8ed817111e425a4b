#pragma once

#include "sandbox/fault_injector.hpp"
#include "sandbox/request_router.hpp"
#include "sandbox/sliding_window_limiter.hpp"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

namespace klarna::sandbox {

/// How the server behaves on the wire.
struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  unsigned threads = 2;
  /// 0 = unlimited.
  double rate_limit = 0;
  std::chrono::milliseconds rate_window{60'000};
  /// Send Retry-After (whole seconds, rounded up) with 429.
  bool retry_after = false;
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds jitter{0};
  /// When set, one line per request: "<ms since start> <status> <target>"; status 0
  /// for a connection reset or a truncated body.
  std::string request_log_path;
  /// Faults injected into answers that would have succeeded.
  fault_options faults;
  /// How late a `slow` fault answers.
  std::chrono::milliseconds slow_delay{10'000};
};

/// A keep-alive HTTP/1.1 server (Boost.Beast) in front of a request_router, adding
/// the rate limit and latency that make it behave like Klarna under load.
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
