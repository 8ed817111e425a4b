#pragma once

#include <string>

namespace klarna::sandbox {

/// A server certificate and its key (PEM), and the CA certificate a client must
/// trust to accept it.
struct tls_identity {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string ca_certificate_pem;
};

/// A throwaway CA (made now, valid for a day, never written with its key) and a
/// certificate it signs for localhost, 127.0.0.1 and ::1: what a test needs to run
/// real TLS with certificate and host verification on.
tls_identity make_throwaway_identity();

/// The identity in two PEM files (certificate chain, private key); the CA is not
/// known then. Throws std::runtime_error naming the file that cannot be read.
tls_identity read_identity(const std::string& certificate_path, const std::string& key_path);

} // namespace klarna::sandbox
