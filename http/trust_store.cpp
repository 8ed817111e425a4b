#include "http/trust_store.hpp"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace klarna::http {

struct trust_store::store_owner {
  X509_STORE* store = X509_STORE_new();
  ~store_owner() { X509_STORE_free(store); }
};

namespace {

// OpenSSL's reason for the last failure, and its error queue emptied.
std::string openssl_reason() {
  char text[256] = "unknown OpenSSL error";
  if (auto code = ERR_peek_last_error(); code != 0)
    ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

// Adds every certificate of PEM text; how many there were.
int add_pem_certificates(X509_STORE* store, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr)
    return 0;
  int added = 0;
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr);
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1)
      ++added;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  BIO_free(bio);
  ERR_clear_error();
  return added;
}

// libcurl's default bundle (Debian: /etc/ssl/certs/ca-certificates.crt), or "".
std::string default_bundle() {
  const auto* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && info->age >= CURLVERSION_SEVENTH && info->cainfo != nullptr
           ? info->cainfo
           : "";
}

} // namespace

trust_store::trust_store(trust_sources sources) : sources_(std::move(sources)) {}

trust_store::~trust_store() = default;

void trust_store::build() {
  built_ = true;
  store_ = std::make_unique<store_owner>();
  X509_STORE* store = store_->store;
  if (store == nullptr) {
    error_ = "cannot create a certificate store: " + openssl_reason();
    return;
  }
  if (!sources_.pem.empty()) {
    if (add_pem_certificates(store, sources_.pem) == 0)
      error_ = "the config field ca_certificate holds no certificate OpenSSL can read";
  } else {
    auto bundle = sources_.bundle_file.empty() ? default_bundle() : sources_.bundle_file;
    if (bundle.empty())
      X509_STORE_set_default_paths(store);
    else if (X509_STORE_load_file(store, bundle.c_str()) != 1)
      error_ = "cannot read the CA bundle '" + bundle + "' (CURL_CA_BUNDLE or SSL_CERT_FILE): "
               + openssl_reason();
  }
  // A hashed directory is only looked into for the issuer a chain needs; what is
  // found there stays in the store.
  if (error_.empty() && !sources_.directory.empty()
      && X509_STORE_load_path(store, sources_.directory.c_str()) != 1)
    error_ = "cannot use the CA directory '" + sources_.directory + "' (SSL_CERT_DIR): "
             + openssl_reason();
}

bool trust_store::install(void* ssl_ctx) {
  if (!built_)
    build();
  if (!error_.empty())
    return false;
  // The context takes a reference of its own; the store outlives every context.
  X509_STORE_up_ref(store_->store);
  SSL_CTX_set_cert_store(static_cast<SSL_CTX*>(ssl_ctx), store_->store);
  return true;
}

} // namespace klarna::http
