#include "http/http_client.hpp"

#include "config/connector_config.hpp"
#include "config/credentials.hpp"
#include "http/curl_handles.hpp"
#include "http/trust_store.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

namespace klarna::http {

namespace {

// libcurl must be initialised once per process before any thread uses it.
void ensure_curl_global_init() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK)
    throw std::runtime_error(std::string("libcurl cannot start: ") + curl_easy_strerror(result));
}

struct transfer {
  http_request request;
  http_response response;
  char error_text[CURL_ERROR_SIZE] = {0};
  std::chrono::steady_clock::time_point started;
  easy_handle easy;
  std::size_t max_body_bytes = 0;
  bool body_too_large = false;
};

// Reserving the announced length up front (bounded, the header could lie) saves the
// series of copies a growing string makes.
constexpr curl_off_t max_body_reserve = 16 << 20;

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  auto& body = t->response.body;
  if (body.size() + size * count > t->max_body_bytes) {
    t->body_too_large = true;
    return 0; // aborts the transfer
  }
  if (body.empty()) {
    curl_off_t length = -1;
    if (curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK
        && length > 0)
      body.reserve(static_cast<std::size_t>(std::min(length, max_body_reserve)));
  }
  body.append(data, size * count);
  return size * count;
}

// The value of a "Name: value" header line when its name is `name` (lower case).
std::optional<std::string> header_value(const std::string& line, const char* name) {
  std::size_t length = std::char_traits<char>::length(name);
  if (line.size() <= length || line[length] != ':')
    return std::nullopt;
  for (std::size_t i = 0; i < length; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i])
      return std::nullopt;
  return line.substr(length + 1);
}

// The r= (remaining) and t= (reset) parameters of the IETF RateLimit header.
void read_ietf_ratelimit(const std::string& value, http_response& response, std::time_t now) {
  auto number_after = [&](const char* key) -> std::optional<std::string> {
    auto at = value.find(key);
    if (at == std::string::npos)
      return std::nullopt;
    auto start = at + std::char_traits<char>::length(key);
    return value.substr(start, value.find_first_of(";,", start) - start);
  };
  if (auto remaining = number_after(";r="))
    response.quota_remaining = std::strtod(remaining->c_str(), nullptr);
  if (auto reset = number_after(";t="))
    response.quota_reset_seconds = parse_rate_limit_reset(*reset, now);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = static_cast<transfer*>(user)->response;
  std::string line(data, size * count);
  std::time_t now = std::time(nullptr);
  if (auto value = header_value(line, "retry-after")) {
    response.retry_after = parse_retry_after(*value, now);
  } else if (auto value = header_value(line, "x-ratelimit-limit")) {
    response.quota = parse_rate_limit_policy(*value);
  } else if (auto value = header_value(line, "ratelimit-policy")) {
    response.quota = parse_rate_limit_policy(*value);
  } else if (auto value = header_value(line, "ratelimit-limit")) {
    if (!response.quota)
      response.quota = parse_rate_limit_policy(*value);
  } else if (auto value = header_value(line, "x-ratelimit-remaining")) {
    char* end = nullptr;
    double remaining = std::strtod(value->c_str(), &end);
    if (end != value->c_str())
      response.quota_remaining = remaining;
  } else if (auto value = header_value(line, "x-ratelimit-reset")) {
    response.quota_reset_seconds = parse_rate_limit_reset(*value, now);
  } else if (auto value = header_value(line, "ratelimit")) {
    read_ietf_ratelimit(*value, response, now);
  }
  return size * count;
}

// libcurl's CURLOPT_SSL_CTX_FUNCTION: each new connection verifies against the store.
CURLcode install_trust(CURL*, void* ssl_ctx, void* store) {
  return static_cast<trust_store*>(store)->install(ssl_ctx) ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

trust_sources trust_sources_of(const http_settings& settings) {
  return {settings.ca_certificate_pem, settings.ca_file, settings.ca_directory};
}

} // namespace

struct http_client::impl {
  explicit impl(http_settings s) : settings(std::move(s)) {}

  http_settings settings;
  completion_handler on_complete;
  // Destroyed in reverse: easy handles (removed from the multi handle by run()),
  // then the multi handle, then the share they all used.
  /// TLS sessions and DNS answers shared by every handle (used by the I/O thread only).
  share_handle share;
  multi_handle multi;
  /// The Authorization header line every request carries.
  header_list headers;
  /// The CA certificates of every TLS connection (I/O thread only).
  trust_store trust{trust_sources_of(settings)};
  std::mutex mutex;
  std::vector<http_request> submitted; // guarded by mutex
  std::atomic<bool> stopping{false};
  std::unordered_map<CURL*, std::unique_ptr<transfer>> active; // I/O thread only
  /// Finished easy handles, kept with their settings for the next requests.
  std::vector<easy_handle> idle;
  std::thread io_thread;

  // A handle with every setting that does not change between requests; nullptr
  // when libcurl cannot make one (the request then fails like a transport error).
  easy_handle new_easy() {
    easy_handle handle(curl_easy_init());
    CURL* easy = handle.get();
    if (easy == nullptr)
      return handle;
    curl_easy_setopt(easy, CURLOPT_SHARE, share.get());
    // Set as a header, not CURLOPT_USERNAME: an API key alone goes as it is. Only to
    // the server, never to a proxy in between (libcurl's default, said out loud).
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy, CURLOPT_HEADEROPT, CURLHEADER_SEPARATE);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    // libcurl reads no CA file or directory itself: every connection gets the one
    // trust store of the process (trust_store.hpp says why).
    curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, install_trust);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, &trust);
    // AES-128-GCM first: as strong in practice as AES-256 and a third cheaper to decrypt.
    curl_easy_setopt(easy, CURLOPT_TLS13_CIPHERS,
                     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "source-klarna/0.1");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, settings.connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, settings.total_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, settings.low_speed_time_s);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    return handle;
  }

  // A request that never reached the network.
  void fail_locally(transfer& t, CURLcode code, const char* why) {
    t.response.transport_code = code;
    t.response.transport_error = why;
    on_complete(std::move(t.response));
  }

  void start(http_request request) {
    auto t = std::make_unique<transfer>();
    t->request = std::move(request);
    t->response.id = t->request.id;
    t->started = std::chrono::steady_clock::now();
    t->max_body_bytes = settings.max_body_bytes;
    if (!idle.empty()) {
      t->easy = std::move(idle.back());
      idle.pop_back();
    } else {
      t->easy = new_easy();
    }
    CURL* easy = t->easy.get();
    if (easy == nullptr)
      return fail_locally(*t, CURLE_OUT_OF_MEMORY, "libcurl could not create a transfer handle");
    curl_easy_setopt(easy, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, t->request.fresh_connection ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error_text);
    if (auto added = curl_multi_add_handle(multi.get(), easy); added != CURLM_OK)
      return fail_locally(*t, CURLE_FAILED_INIT, curl_multi_strerror(added));
    active.emplace(easy, std::move(t));
  }

  void start_submitted() {
    std::vector<http_request> batch;
    {
      std::lock_guard<std::mutex> guard(mutex);
      batch.swap(submitted);
    }
    for (auto& request : batch)
      start(std::move(request));
  }

  void finish_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE)
        continue;
      CURL* easy = message->easy_handle;
      auto node = active.extract(easy);
      auto& t = *node.mapped();
      auto& response = t.response;
      if (message->data.result == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
      } else {
        response.status = 0;
        response.body.clear();
        response.transport_code = message->data.result;
        response.transport_error =
          t.body_too_large ? "the response body is larger than "
                               + std::to_string(settings.max_body_bytes >> 20) + " MiB"
          : message->data.result == CURLE_SSL_CACERT_BADFILE && !trust.error().empty()
            ? trust.error()
          : t.error_text[0] != '\0' ? t.error_text
                                    : curl_easy_strerror(message->data.result);
      }
      response.elapsed_seconds = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - t.started)
                                   .count();
      curl_multi_remove_handle(multi.get(), easy);
      idle.push_back(std::move(t.easy));
      on_complete(std::move(response));
    }
  }

  void run() {
    while (!stopping.load()) {
      start_submitted();
      int running = 0;
      curl_multi_perform(multi.get(), &running);
      finish_done();
      curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
    // Transfers still running are abandoned; their handles leave the multi handle
    // before anything is cleaned up.
    for (auto& [easy, t] : active)
      curl_multi_remove_handle(multi.get(), easy);
    active.clear();
    idle.clear();
  }
};

http_client::http_client(http_settings settings, completion_handler on_complete)
  : impl_(std::make_unique<impl>(std::move(settings))) {
  ensure_curl_global_init();
  // The trust store is handed to OpenSSL contexts: another TLS library would verify
  // against nothing.
  const auto* version = curl_version_info(CURLVERSION_NOW);
  if (version->ssl_version == nullptr || std::string(version->ssl_version).rfind("OpenSSL", 0) != 0)
    throw std::runtime_error("libcurl must use OpenSSL (Debian's libcurl4), not "
                             + std::string(version->ssl_version ? version->ssl_version : "no TLS"));
  impl_->on_complete = std::move(on_complete);
  impl_->share.reset(curl_share_init());
  std::string authorization = "Authorization: " + impl_->settings.authorization;
  impl_->headers.reset(curl_slist_append(nullptr, authorization.c_str()));
  impl_->multi.reset(curl_multi_init());
  if (impl_->share == nullptr || impl_->multi == nullptr || impl_->headers == nullptr)
    throw std::runtime_error("libcurl: cannot create its handles (out of memory?)");
  // Every handle is used by the I/O thread alone, so the share needs no locks.
  CURLSH* share = impl_->share.get();
  CURLM* multi = impl_->multi.get();
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  long connections = impl_->settings.max_connections;
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  // Keep every connection opened, idle or not, for the next request: without this
  // the cache follows the number of handles in use and closes what it cannot hold.
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connections);
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  impl_->io_thread = std::thread([this] { impl_->run(); });
}

http_client::~http_client() {
  impl_->stopping = true;
  curl_multi_wakeup(impl_->multi.get());
  impl_->io_thread.join();
}

void http_client::submit(http_request request) {
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->submitted.push_back(std::move(request));
  }
  curl_multi_wakeup(impl_->multi.get());
}

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

} // namespace

http_settings http_settings_for(const config::connector_config& config) {
  http_settings settings;
  settings.authorization = config::authorization_value(config.username, config.password);
  settings.connect_timeout_ms = static_cast<long>(config.connect_timeout_seconds * 1000);
  settings.total_timeout_ms = static_cast<long>(config.request_timeout_seconds * 1000);
  settings.low_speed_time_s = static_cast<long>(config.low_speed_timeout_seconds);
  settings.ca_certificate_pem = config.ca_certificate;
  // As curl's command line tool reads them: CURL_CA_BUNDLE first, then SSL_CERT_FILE.
  settings.ca_file = environment("CURL_CA_BUNDLE");
  if (settings.ca_file.empty())
    settings.ca_file = environment("SSL_CERT_FILE");
  settings.ca_directory = environment("SSL_CERT_DIR");
  return settings;
}

bool is_retryable_transport_error(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return false;
    default:
      return true;
  }
}

std::string describe_transport_error(int curl_code, const std::string& curl_text) {
  std::string kind;
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_RESOLVE_HOST:
      kind = "unknown host: the API host name could not be resolved; check region and base_url";
      break;
    case CURLE_COULDNT_CONNECT:
      kind = "could not connect to the API host";
      break;
    case CURLE_OPERATION_TIMEDOUT:
      kind = "the request timed out";
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      kind = "TLS failure: the API host's certificate could not be verified or the TLS "
             "handshake failed (a private CA can be trusted with the config field "
             "ca_certificate or SSL_CERT_FILE)";
      break;
    default:
      kind = "the request failed";
  }
  return kind + " (" + curl_text + ")";
}

} // namespace klarna::http
