#include "sandbox/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdio>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace klarna::sandbox {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct http_server::impl {
  server_options options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  /// Set when the server speaks TLS.
  std::unique_ptr<asio::ssl::context> tls;
  sliding_window_limiter limiter;
  fault_injector faults;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::mutex log_mutex;
  std::ofstream request_log;
  std::ofstream connection_log;

  explicit impl(server_options o)
    : options(std::move(o)), limiter(options.rate_limits), faults(options.faults) {
    if (!options.request_log_path.empty())
      request_log.open(options.request_log_path);
    if (!options.connection_log_path.empty())
      connection_log.open(options.connection_log_path);
    if (!options.tls_certificate_pem.empty()) {
      tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2
                       | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                       | asio::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain(asio::buffer(options.tls_certificate_pem));
      tls->use_private_key(asio::buffer(options.tls_private_key_pem), asio::ssl::context::pem);
    }
  }

  // The rate-limit headers of an answer, in the announced form.
  void announce_quota(http::response<http::string_body>& response) {
    if (options.rate_limit_headers.empty())
      return;
    auto report = limiter.report(std::chrono::steady_clock::now());
    if (!report)
      return;
    auto window_s = std::max<long>(1, static_cast<long>((report->window.count() + 999) / 1000));
    auto reset_s = std::to_string((report->reset.count() + 999) / 1000);
    auto limit = std::to_string(report->limit);
    if (options.rate_limit_headers == "ietf") {
      response.set("RateLimit-Policy", "\"default\";q=" + limit + ";w=" + std::to_string(window_s));
      response.set("RateLimit", "\"default\";r=" + std::to_string(report->remaining) + ";t=" + reset_s);
    } else {
      response.set("X-RateLimit-Limit", limit + ", " + limit + ";w=" + std::to_string(window_s));
      response.set("X-RateLimit-Remaining", std::to_string(report->remaining));
      response.set("X-RateLimit-Reset", reset_s);
    }
  }

  void log_request(int status, const std::string& target) {
    log_line(request_log, std::to_string(status) + ' ' + target);
  }

  void log_connection() { log_line(connection_log, tls ? "https" : "http"); }

  // "<ms since start> <text>", flushed per line: tests watch logs grow during a sync.
  void log_line(std::ofstream& log, const std::string& text) {
    if (!log.is_open())
      return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
    std::lock_guard<std::mutex> guard(log_mutex);
    log << ms << ' ' << text << std::endl;
  }

  std::chrono::milliseconds delay() {
    thread_local std::minstd_rand random{std::random_device{}()};
    auto jitter = options.jitter.count();
    auto extra = jitter > 0 ? static_cast<long>(random() % (2 * jitter + 1)) - jitter : 0;
    return std::max(std::chrono::milliseconds(0), options.latency + std::chrono::milliseconds(extra));
  }
};

namespace {

// One connection: plain (beast::tcp_stream) or TLS (beast::ssl_stream over it).
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  session(Stream stream, http_server::impl& server, const request_router& router)
    : stream_(std::move(stream)), timer_(stream_.get_executor()), server_(server), router_(router) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec)
                                  self->read();
                              });
    }
  }

private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec)
                         self->handle();
                     });
  }

  void handle() {
    std::string target(request_.target());
    answer reply;
    std::optional<std::string> retry_after;
    std::chrono::milliseconds wait{0};
    const auto& options = server_.options;
    if (server_.limiter.admit(std::chrono::steady_clock::now(), wait)) {
      reply = router_.route(std::string(request_.method_string()), target,
                            std::string(request_[http::field::authorization]));
    } else {
      reply = request_router::error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded");
      if (options.retry_after)
        retry_after = std::to_string((wait.count() + 999) / 1000);
    }
    auto delay = server_.delay();
    auto injected = reply.status == 200 ? server_.faults.draw() : fault::none;
    spoil(reply, injected, delay);
    if (injected == fault::status_503 && options.retry_after)
      retry_after = "1";
    if (retry_after && !options.retry_after_value.empty())
      retry_after = options.retry_after_value;
    bool broken = injected == fault::reset || injected == fault::truncated;
    server_.log_request(broken ? 0 : reply.status, target);
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    response_.result(static_cast<http::status>(reply.status));
    response_.set(http::field::content_type, reply.content_type);
    response_.set(http::field::server, "klarna-sandbox");
    if (retry_after)
      response_.set(http::field::retry_after, *retry_after);
    server_.announce_quota(response_);
    response_.body() = std::move(reply.body);
    response_.prepare_payload();
    if (injected == fault::reset)
      return reset();
    auto send = [self = this->shared_from_this(), injected] {
      injected == fault::truncated ? self->write_half() : self->write();
    };
    if (delay.count() == 0)
      return send();
    timer_.expires_after(delay);
    timer_.async_wait([send](beast::error_code) { send(); });
  }

  // Turns a good answer into the injected fault (reset and truncated are decided
  // on the wire).
  void spoil(answer& reply, fault injected, std::chrono::milliseconds& delay) {
    switch (injected) {
      case fault::status_500:
        reply = request_router::error(500, "INTERNAL_SERVER_ERROR", "Injected fault");
        break;
      case fault::status_502:
        reply = request_router::error(502, "BAD_GATEWAY", "Injected fault");
        break;
      case fault::status_503:
        reply = request_router::error(503, "SERVICE_UNAVAILABLE", "Injected fault");
        break;
      case fault::status_504:
        reply = request_router::error(504, "GATEWAY_TIMEOUT", "Injected fault");
        break;
      case fault::malformed: {
        // Half the body, with a Content-Length to match. A text cut right after a
        // line break would be a shorter whole file that no client can tell (a
        // report's CSV), so the cut moves off one.
        auto half = reply.body.size() / 2;
        while (half > 1 && reply.body[half - 1] == '\n')
          --half;
        reply.body.resize(half);
        break;
      }
      case fault::wrong_shape:
        reply.body = R"({"data":[],"note":"not the collection that was asked for"})";
        break;
      case fault::slow:
        delay = server_.options.slow_delay;
        break;
      default:
        break;
    }
  }

  void write() {
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive())
                          return self->close();
                        self->read();
                      });
  }

  // The header with the full Content-Length, half the body, then the connection ends.
  void write_half() {
    std::ostringstream header;
    header << response_.base();
    raw_ = header.str();
    raw_.append(response_.body(), 0, response_.body().size() / 2);
    asio::async_write(stream_, asio::buffer(raw_),
                      [self = this->shared_from_this()](beast::error_code, std::size_t) {
                        self->reset();
                      });
  }

  // Ends the connection with a TCP reset instead of a response.
  void reset() {
    beast::error_code ignored;
    socket().set_option(asio::socket_base::linger(true, 0), ignored);
    socket().close(ignored);
  }

  void close() {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::string raw_; // a truncated answer's bytes
  http_server::impl& server_;
  const request_router& router_;
};

void accept(http_server::impl& server, const request_router& router) {
  server.acceptor.async_accept([&server, &router](beast::error_code ec, tcp::socket socket) {
    if (ec)
      return;
    socket.set_option(tcp::no_delay(true));
    server.log_connection();
    if (server.tls) {
      using tls_stream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<session<tls_stream>>(tls_stream(std::move(socket), *server.tls), server,
                                            router)
        ->start();
    } else {
      std::make_shared<session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), server,
                                                   router)
        ->start();
    }
    accept(server, router);
  });
}

} // namespace

http_server::http_server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

http_server::~http_server() = default;

unsigned short http_server::bind() {
  tcp::endpoint endpoint(asio::ip::make_address(impl_->options.host), impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void http_server::run(const request_router& router) {
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code, int) { impl_->io.stop(); });
  accept(*impl_, router);
  background_traffic others(impl_->limiter, impl_->options.background, impl_->started);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < std::max(1u, impl_->options.threads); ++i)
    threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& thread : threads)
    thread.join();
  if (impl_->request_log.is_open())
    impl_->request_log.flush();
  if (others.sent() > 0)
    std::printf("klarna-sandbox background traffic: %llu sent, %llu refused\n",
                static_cast<unsigned long long>(others.sent()),
                static_cast<unsigned long long>(others.refused()));
}

} // namespace klarna::sandbox
