// The test server's TLS side: a self-signed certificate for 127.0.0.1 and localhost made at
// start-up (nothing on disk to expire or leak), the server SSL_CTX offering h2 and http/1.1
// through ALPN, and the certificate as a PEM file for clients that want to trust it.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace neuro::load::testing {

class TlsIdentity {
 public:
  // `offer_http2`: ALPN selects h2 when the client offers it.
  explicit TlsIdentity(bool offer_http2);
  ~TlsIdentity();
  TlsIdentity(const TlsIdentity&) = delete;
  TlsIdentity& operator=(const TlsIdentity&) = delete;

  SSL_CTX* context() const { return context_; }
  const std::string& cert_file() const { return cert_file_; }  // PEM, removed with this

 private:
  SSL_CTX* context_ = nullptr;
  std::string cert_file_;
  bool offer_http2_;
};

}  // namespace neuro::load::testing
