#include "http/trust_store.hpp"

#include <openssl/ssl.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <string>

using klarna::http::trust_sources;
using klarna::http::trust_store;

namespace {

struct context_free {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using context = std::unique_ptr<SSL_CTX, context_free>;

context new_context() {
  return context(SSL_CTX_new(TLS_client_method()));
}

// A certificate from the system bundle (Debian's ca-certificates), as PEM text.
std::string first_system_certificate() {
  std::ifstream bundle("/etc/ssl/certs/ca-certificates.crt");
  std::string line;
  std::string pem;
  while (std::getline(bundle, line)) {
    pem += line + "\n";
    if (line == "-----END CERTIFICATE-----")
      break;
  }
  return pem;
}

} // namespace

TEST_CASE("every connection's context shares the one store, built once", "[trust]") {
  trust_store store(trust_sources{first_system_certificate(), "", ""});
  auto first = new_context();
  auto second = new_context();
  REQUIRE(store.install(first.get()));
  REQUIRE(store.install(second.get()));
  CHECK(store.error().empty());
  CHECK(SSL_CTX_get_cert_store(first.get()) == SSL_CTX_get_cert_store(second.get()));
  // The contexts hold references of their own: the store outlives the first one freed.
  first.reset();
  CHECK(X509_STORE_get0_objects(SSL_CTX_get_cert_store(second.get())) != nullptr);
}

TEST_CASE("the system bundle is the default", "[trust]") {
  trust_store store(trust_sources{});
  auto ctx = new_context();
  REQUIRE(store.install(ctx.get()));
  CHECK(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx.get()))) > 10);
}

TEST_CASE("a bundle that cannot be read is named, and no context is given a store", "[trust]") {
  trust_store store(trust_sources{"", "/nonexistent/ca.pem", ""});
  auto ctx = new_context();
  CHECK_FALSE(store.install(ctx.get()));
  CHECK_THAT(store.error(), Catch::Contains("cannot read the CA bundle '/nonexistent/ca.pem'")
                              && Catch::Contains("SSL_CERT_FILE"));
  // Asked again, the same answer without another attempt.
  CHECK_FALSE(store.install(ctx.get()));
}

TEST_CASE("PEM text without a certificate is refused", "[trust]") {
  trust_store store(trust_sources{"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                                  "", ""});
  auto ctx = new_context();
  CHECK_FALSE(store.install(ctx.get()));
  CHECK_THAT(store.error(), Catch::Contains("ca_certificate holds no certificate"));
}
