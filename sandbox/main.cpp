// klarna-sandbox: a Klarna Settlements API compatible server for tests, benchmarks
// and the demo. It prints "klarna-sandbox listening on <url>" as its first line once
// it accepts requests (and, with --dump-truth, after the ground truth is written).

#include "sandbox/dataset.hpp"
#include "sandbox/http_server.hpp"
#include "sandbox/request_router.hpp"
#include "sandbox/tls_identity.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

// The ground truth: exactly the records served, one JSON object per line, in
// listing order.
void dump_truth(const klarna::sandbox::dataset& data, const std::string& directory) {
  std::ofstream payouts(directory + "/payouts.jsonl");
  for (const auto& payout : data.payouts)
    payouts << payout.json << '\n';
  std::ofstream transactions(directory + "/transactions.jsonl");
  for (const auto& transaction : data.transactions)
    transactions << transaction.json << '\n';
  if (!payouts || !transactions)
    throw std::runtime_error("cannot write the ground truth to " + directory);
}

// Writes the throwaway CA where asked, or to a fresh file in $TMPDIR; returns the path.
std::string write_ca(const std::string& pem, std::string path) {
  if (path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp")
           + "/klarna-sandbox-ca-" + std::to_string(::getpid()) + ".pem";
  }
  std::ofstream out(path);
  out << pem;
  if (!out.flush())
    throw std::runtime_error("cannot write the CA certificate to '" + path + "'");
  return path;
}

} // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"klarna-sandbox: a Klarna Settlements API compatible server", "klarna-sandbox"};
  klarna::sandbox::server_options server;
  klarna::sandbox::dataset_options data;
  std::string username = "sandbox-user";
  std::string password = "sandbox-password";
  std::string truth_directory;
  double rate_limit = 0;
  long window_ms = 60'000;
  double second_rate_limit = 0;
  long second_window_ms = 1'000;
  long latency_ms = 0;
  long jitter_ms = 0;
  app.add_option("--host", server.host, "address to listen on")->capture_default_str();
  app.add_option("--port", server.port, "port; 0 picks a free one")->capture_default_str();
  app.add_option("--threads", server.threads, "server threads")->capture_default_str();
  app.add_option("--seed", data.seed, "seed of the generated data")->capture_default_str();
  app.add_option("--payouts", data.payouts, "number of payouts")->capture_default_str();
  app.add_option("--transactions-per-payout", data.transactions_per_payout,
                 "transactions in each payout")->capture_default_str();
  app.add_option("--unpaid-transactions", data.unpaid_transactions,
                 "transactions not yet paid out")->capture_default_str();
  app.add_option("--username", username, "accepted username")->capture_default_str();
  app.add_option("--password", password, "accepted password");
  app.add_option("--rate-limit", rate_limit,
                 "requests/s averaged over --rate-window; 0 = unlimited")->capture_default_str();
  app.add_option("--rate-window-ms", window_ms, "sliding window of the rate limit")
    ->capture_default_str()->check(CLI::Range(1L, 3'600'000L));
  app.add_option("--second-rate-limit", second_rate_limit,
                 "a second limit enforced at once: requests/s averaged over "
                 "--second-rate-window-ms; 0 = none")->capture_default_str();
  app.add_option("--second-rate-window-ms", second_window_ms, "window of the second limit")
    ->capture_default_str()->check(CLI::Range(1L, 3'600'000L));
  app.add_flag("--retry-after", server.retry_after,
               "send Retry-After with 429 (seconds until the limit has room) and with "
               "injected 503s (1)");
  app.add_option("--retry-after-value", server.retry_after_value,
                 "send this literal Retry-After value instead (implies --retry-after)");
  app.add_option("--rate-limit-headers", server.rate_limit_headers,
                 "announce the tightest limit on every answer: x-ratelimit "
                 "(X-RateLimit-Limit: N, N;w=S, -Remaining, -Reset) or ietf "
                 "(RateLimit-Policy, RateLimit)")
    ->check(CLI::IsMember({"x-ratelimit", "ietf"}));
  bool tls = false;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca_out;
  app.add_flag("--tls", tls,
               "serve HTTPS with a throwaway CA and a certificate for localhost, "
               "127.0.0.1 and ::1, made at start; the CA is written to --tls-ca-out");
  app.add_option("--tls-ca-out", tls_ca_out,
                 "where --tls writes its CA certificate (PEM); default a file in $TMPDIR");
  app.add_option("--tls-cert", tls_cert, "serve HTTPS with this certificate chain (PEM)");
  app.add_option("--tls-key", tls_key, "the private key (PEM) of --tls-cert");
  app.add_option("--latency-ms", latency_ms, "delay before each response")->capture_default_str();
  app.add_option("--jitter-ms", jitter_ms, "uniform +- jitter on the delay")->capture_default_str();
  app.add_option("--dump-truth", truth_directory,
                 "write payouts.jsonl and transactions.jsonl (the records served) here");
  app.add_option("--connection-log", server.connection_log_path,
                 "write '<ms> <http|https>' per accepted connection here");
  app.add_option("--request-log", server.request_log_path,
                 "write '<ms> <status> <target>' per request here");
  std::vector<std::string> fault_kinds;
  long slow_ms = 10'000;
  app.add_option("--fault-rate", server.faults.rate,
                 "share of successful answers replaced by a fault")
    ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--faults", fault_kinds,
                 "fault kinds to draw from (default all): "
                   + klarna::sandbox::fault_injector::names())
    ->delimiter(',')
    ->check([](const std::string& name) {
      return klarna::sandbox::fault_injector::parse(name)
               ? std::string()
               : "unknown fault '" + name + "'; known: "
                   + klarna::sandbox::fault_injector::names();
    });
  app.add_option("--fault-seed", server.faults.seed, "seed of the fault draws")
    ->capture_default_str();
  app.add_option("--slow-ms", slow_ms, "delay of a 'slow' fault")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  for (const auto& name : fault_kinds)
    server.faults.kinds.push_back(*klarna::sandbox::fault_injector::parse(name));
  server.slow_delay = std::chrono::milliseconds(slow_ms);
  server.rate_limits = {{rate_limit, std::chrono::milliseconds(window_ms)},
                        {second_rate_limit, std::chrono::milliseconds(second_window_ms)}};
  if (!server.retry_after_value.empty())
    server.retry_after = true;
  if (tls_cert.empty() != tls_key.empty()) {
    std::cerr << "klarna-sandbox: --tls-cert and --tls-key go together\n";
    return 2;
  }
  server.latency = std::chrono::milliseconds(latency_ms);
  server.jitter = std::chrono::milliseconds(jitter_ms);

  try {
    std::string ca_path;
    if (!tls_cert.empty()) {
      auto identity = klarna::sandbox::read_identity(tls_cert, tls_key);
      server.tls_certificate_pem = identity.certificate_pem;
      server.tls_private_key_pem = identity.private_key_pem;
    } else if (tls) {
      auto identity = klarna::sandbox::make_throwaway_identity();
      server.tls_certificate_pem = identity.certificate_pem;
      server.tls_private_key_pem = identity.private_key_pem;
      ca_path = write_ca(identity.ca_certificate_pem, tls_ca_out);
    }
    klarna::sandbox::http_server http(server);
    auto port = http.bind();
    std::string host = server.host.find(':') != std::string::npos ? "[" + server.host + "]" : server.host;
    std::string scheme = server.tls_certificate_pem.empty() ? "http" : "https";
    data.base_url = scheme + "://" + host + ":" + std::to_string(port) + "/";
    auto dataset = klarna::sandbox::generate_dataset(data);
    if (!truth_directory.empty())
      dump_truth(dataset, truth_directory);
    klarna::sandbox::request_router router(dataset, data.base_url, username, password);
    std::cout << "klarna-sandbox listening on " << data.base_url << " ("
              << dataset.payouts.size() << " payouts, " << dataset.transactions.size()
              << " transactions)" << std::endl;
    if (!ca_path.empty())
      std::cout << "klarna-sandbox CA certificate: " << ca_path << std::endl;
    http.run(router);
  } catch (const std::exception& e) {
    std::cerr << "klarna-sandbox: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
