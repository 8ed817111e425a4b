// klarna-sandbox: a Klarna Settlements API compatible server for tests, benchmarks
// and the demo. It prints "klarna-sandbox listening on <url>" as its first line once
// it accepts requests (and, with --dump-truth, after the ground truth is written).

#include "config/credentials.hpp"
#include "config/iso8601.hpp"
#include "sandbox/dataset.hpp"
#include "sandbox/http_server.hpp"
#include "sandbox/request_router.hpp"
#include "sandbox/tls_identity.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <unistd.h>

namespace {

// The ground truth: exactly the records served, one JSON object per line, in
// listing order; written again whenever the data grows.
void dump_truth(const klarna::sandbox::dataset& data, const std::string& directory) {
  std::error_code made;
  std::filesystem::create_directories(directory, made); // a missing directory is made
  if (made)
    throw std::runtime_error("--dump-truth: cannot make the directory '" + directory
                             + "': " + made.message());
  std::ofstream payouts(directory + "/payouts.jsonl");
  for (const auto& payout : data.payouts)
    payouts << payout.json << '\n';
  std::ofstream transactions(directory + "/transactions.jsonl");
  for (const auto& transaction : data.transactions)
    transactions << transaction.json << '\n';
  if (!payouts || !transactions)
    throw std::runtime_error("--dump-truth: cannot write payouts.jsonl and transactions.jsonl "
                             "in '" + directory + "'");
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

// Everything the command line sets.
struct sandbox_settings {
  klarna::sandbox::server_options server;
  klarna::sandbox::dataset_options data;
  // Both of Klarna's credentials are accepted: an API key (alone, or with the UUID
  // shown when it was created) and the older username and password.
  std::string api_key = "klarna_test_api_sandbox-key";
  std::string api_key_uuid = "7d3c8a52-1f4e-4b6a-9c0d-2e5f8a9b1c3d";
  std::string username = "sandbox-user";
  std::string password = "sandbox-password";
  std::string truth_directory;
  klarna::sandbox::listing_behaviour listings;
  double rate_limit = 0;
  long window_ms = 60'000;
  double second_rate_limit = 0;
  long second_window_ms = 1'000;
  long latency_ms = 0;
  long jitter_ms = 0;
  bool tls = false;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca_out;
  std::vector<std::string> fault_kinds;
  long slow_ms = 10'000;
};

// The Authorization header values of every credential the settings accept.
std::vector<std::string> accepted_authorizations(const sandbox_settings& s) {
  using klarna::config::authorization_value;
  std::vector<std::string> accepted;
  if (!s.api_key.empty()) {
    accepted.push_back(authorization_value("", s.api_key));
    if (!s.api_key_uuid.empty())
      accepted.push_back(authorization_value(s.api_key_uuid, s.api_key));
  }
  if (!s.username.empty())
    accepted.push_back(authorization_value(s.username, s.password));
  return accepted;
}

void add_data_options(CLI::App& app, sandbox_settings& s) {
  app.add_option("--host", s.server.host, "address to listen on")->capture_default_str();
  app.add_option("--port", s.server.port, "port; 0 picks a free one")->capture_default_str();
  app.add_option("--threads", s.server.threads, "server threads")->capture_default_str();
  app.add_option("--seed", s.data.seed, "seed of the generated data")->capture_default_str();
  app.add_option("--payouts", s.data.payouts, "number of payouts")->capture_default_str();
  app.add_option("--transactions-per-payout", s.data.transactions_per_payout,
                 "transactions in each payout")->capture_default_str();
  app.add_option("--unpaid-transactions", s.data.unpaid_transactions,
                 "transactions not yet paid out")->capture_default_str();
  app.add_option("--settlement-type", s.data.merchant_type,
                 "the merchant's merchant_settlement_type: NET (fees deducted from payouts), "
                 "GROSS_FEE (only transaction fees deducted) or GROSS (fees invoiced)")
     ->transform(CLI::CheckedTransformer(
       std::map<std::string, klarna::sandbox::settlement_type>{
         {"NET", klarna::sandbox::settlement_type::net},
         {"GROSS", klarna::sandbox::settlement_type::gross},
         {"GROSS_FEE", klarna::sandbox::settlement_type::gross_fee}}))
     ->default_str("NET");
  app.add_flag("--signed-amounts", s.data.signed_amounts,
               "sign each transaction's amount by its direction in the settlement formula "
               "(negative for RETURN, FEE, ...); by default amounts are magnitudes");
  app.add_flag("--extreme-values", s.data.extreme_values,
               "put values at the edge of the format in the data: 2^53 + 1 amounts, int64 "
               "limits, empty strings, escapes and rare unicode in references");
  app.add_option_function<std::string>(
       "--first-payout-date",
       [&s](const std::string& text) {
         auto epoch = klarna::config::parse_iso8601_epoch_seconds(text);
         if (!epoch)
           throw CLI::ValidationError("--first-payout-date", "expected an ISO-8601 date or date-time");
         s.data.first_payout_epoch = *epoch;
       },
       "payout_date of the first payout (default 2022-01-03T07:00:00Z); the others follow every 8 h");
  app.add_option("--api-key", s.api_key,
                 "accepted API key, sent alone or with --api-key-uuid as the username; "
                 "\"\" accepts none")->capture_default_str();
  app.add_option("--api-key-uuid", s.api_key_uuid,
                 "the UUID that may come with the API key")->capture_default_str();
  app.add_option("--username", s.username, "accepted username of the older credential; "
                 "\"\" accepts none")->capture_default_str();
  app.add_option("--password", s.password, "accepted password of --username")
    ->capture_default_str();
  app.add_option_function<std::string>(
       "--order",
       [&s](const std::string& order) { s.listings.newest_first = order == "newest-first"; },
       "order of every listing: oldest-first (default) or newest-first")
    ->check(CLI::IsMember({"oldest-first", "newest-first"}));
  app.add_option("--grow-after-pages", s.listings.grow_after_pages,
                 "after this many listing pages were answered, add --grow-payouts payouts "
                 "with their transactions, once (0 = never)")->capture_default_str();
  app.add_option("--grow-payouts", s.listings.grow_payouts,
                 "payouts added by --grow-after-pages")->capture_default_str();
  app.add_option("--dump-truth", s.truth_directory,
                 "write payouts.jsonl and transactions.jsonl (the records served) here");
  app.add_option("--connection-log", s.server.connection_log_path,
                 "write '<ms> <http|https>' per accepted connection here");
  app.add_option("--request-log", s.server.request_log_path,
                 "write '<ms> <status> <target>' per request here");
}

void add_rate_limit_options(CLI::App& app, sandbox_settings& s) {
  app.add_option("--rate-limit", s.rate_limit,
                 "requests/s averaged over --rate-window; 0 = unlimited")->capture_default_str();
  app.add_option("--rate-window-ms", s.window_ms, "sliding window of the rate limit")
    ->capture_default_str()->check(CLI::Range(1L, 3'600'000L));
  app.add_option("--second-rate-limit", s.second_rate_limit,
                 "a second limit enforced at once: requests/s averaged over "
                 "--second-rate-window-ms; 0 = none")->capture_default_str();
  app.add_option("--second-rate-window-ms", s.second_window_ms, "window of the second limit")
    ->capture_default_str()->check(CLI::Range(1L, 3'600'000L));
  app.add_flag("--retry-after", s.server.retry_after,
               "send Retry-After with 429 (seconds until the limit has room) and with "
               "injected 503s (1)");
  app.add_option("--retry-after-value", s.server.retry_after_value,
                 "send this literal Retry-After value instead (implies --retry-after)");
  app.add_option("--background-rps", s.server.background.requests_per_second,
                 "the merchant's other traffic (captures, refunds): requests/s counted in the "
                 "same rate limits; 0 = none")->capture_default_str()->check(CLI::Range(0.0, 100000.0));
  app.add_option_function<long>(
       "--background-burst-ms",
       [&s](long ms) { s.server.background.burst = std::chrono::milliseconds(ms); },
       "send each second's other requests within this many ms at its start (0 = evenly spaced)")
    ->check(CLI::Range(0L, 1000L));
  app.add_option("--background-seconds", s.server.background.seconds,
                 "stop the other traffic after this many seconds (0 = never)")
    ->capture_default_str()->check(CLI::Range(0.0, 1e9));
  app.add_option("--background-log", s.server.background.log_path,
                 "write '<ms> <200|429>' per request of the other traffic here");
  app.add_option("--rate-limit-headers", s.server.rate_limit_headers,
                 "announce the tightest limit on every answer: x-ratelimit "
                 "(X-RateLimit-Limit: N, N;w=S, -Remaining, -Reset) or ietf "
                 "(RateLimit-Policy, RateLimit)")
    ->check(CLI::IsMember({"x-ratelimit", "ietf"}));
}

void add_tls_options(CLI::App& app, sandbox_settings& s) {
  app.add_flag("--tls", s.tls,
               "serve HTTPS with a throwaway CA and a certificate for localhost, "
               "127.0.0.1 and ::1, made at start; the CA is written to --tls-ca-out");
  app.add_option("--tls-ca-out", s.tls_ca_out,
                 "where --tls writes its CA certificate (PEM); default a file in $TMPDIR");
  app.add_option("--tls-cert", s.tls_cert, "serve HTTPS with this certificate chain (PEM)");
  app.add_option("--tls-key", s.tls_key, "the private key (PEM) of --tls-cert");
}

void add_fault_options(CLI::App& app, sandbox_settings& s) {
  app.add_option("--latency-ms", s.latency_ms, "delay before each response")->capture_default_str();
  app.add_option("--jitter-ms", s.jitter_ms, "uniform +- jitter on the delay")->capture_default_str();
  app.add_option("--fault-rate", s.server.faults.rate,
                 "share of successful answers replaced by a fault")
    ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--faults", s.fault_kinds,
                 "fault kinds to draw from (default all): "
                   + klarna::sandbox::fault_injector::names())
    ->delimiter(',')
    ->check([](const std::string& name) {
      return klarna::sandbox::fault_injector::parse(name)
               ? std::string()
               : "unknown fault '" + name + "'; known: "
                   + klarna::sandbox::fault_injector::names();
    });
  app.add_option("--fault-seed", s.server.faults.seed, "seed of the fault draws")
    ->capture_default_str();
  app.add_option("--slow-ms", s.slow_ms, "delay of a 'slow' fault")->capture_default_str();
}

// The server options that follow from several flags.
void derive_server_options(sandbox_settings& s) {
  for (const auto& name : s.fault_kinds)
    s.server.faults.kinds.push_back(*klarna::sandbox::fault_injector::parse(name));
  s.server.slow_delay = std::chrono::milliseconds(s.slow_ms);
  s.server.rate_limits = {{s.rate_limit, std::chrono::milliseconds(s.window_ms)},
                          {s.second_rate_limit, std::chrono::milliseconds(s.second_window_ms)}};
  if (!s.server.retry_after_value.empty())
    s.server.retry_after = true;
  s.server.latency = std::chrono::milliseconds(s.latency_ms);
  s.server.jitter = std::chrono::milliseconds(s.jitter_ms);
}

// The certificate to serve, if any; returns where the throwaway CA went ("" if none).
std::string set_up_tls(sandbox_settings& s) {
  if (!s.tls_cert.empty()) {
    auto identity = klarna::sandbox::read_identity(s.tls_cert, s.tls_key);
    s.server.tls_certificate_pem = identity.certificate_pem;
    s.server.tls_private_key_pem = identity.private_key_pem;
    return "";
  }
  if (!s.tls)
    return "";
  auto identity = klarna::sandbox::make_throwaway_identity();
  s.server.tls_certificate_pem = identity.certificate_pem;
  s.server.tls_private_key_pem = identity.private_key_pem;
  return write_ca(identity.ca_certificate_pem, s.tls_ca_out);
}

// Binds, generates the data for the bound URL, announces itself and serves.
void serve(sandbox_settings& s) {
  auto ca_path = set_up_tls(s);
  klarna::sandbox::http_server http(s.server);
  auto port = http.bind();
  const auto& host = s.server.host;
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string scheme = s.server.tls_certificate_pem.empty() ? "http" : "https";
  s.data.base_url = scheme + "://" + shown_host + ":" + std::to_string(port) + "/";
  klarna::sandbox::dataset_store store(s.data, [&](const klarna::sandbox::dataset& data) {
    if (!s.truth_directory.empty())
      dump_truth(data, s.truth_directory);
  });
  klarna::sandbox::request_router router(store, s.data.base_url, accepted_authorizations(s),
                                          s.listings);
  auto data = store.current();
  std::cout << "klarna-sandbox listening on " << s.data.base_url << " (" << data->payouts.size()
            << " payouts, " << data->transactions.size() << " transactions)" << std::endl;
  if (!ca_path.empty())
    std::cout << "klarna-sandbox CA certificate: " << ca_path << std::endl;
  http.run(router);
}

} // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"klarna-sandbox: a Klarna Settlements API compatible server", "klarna-sandbox"};
  sandbox_settings settings;
  add_data_options(app, settings);
  add_rate_limit_options(app, settings);
  add_tls_options(app, settings);
  add_fault_options(app, settings);
  CLI11_PARSE(app, argc, argv);
  if (settings.tls_cert.empty() != settings.tls_key.empty()) {
    std::cerr << "klarna-sandbox: --tls-cert and --tls-key go together\n";
    return 2;
  }
  derive_server_options(settings);
  try {
    serve(settings);
  } catch (const std::exception& e) {
    std::cerr << "klarna-sandbox: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
