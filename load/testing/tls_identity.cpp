#include "load/testing/tls_identity.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace neuro::load::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* c) const { X509_free(c); }
};

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test server TLS: ") + what);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// ALPN: the server's preference (h2 first when offered), among what the client lists.
int select_protocol(SSL*, const unsigned char** out, unsigned char* out_size,
                    const unsigned char* client, unsigned int client_size, void* offer_http2) {
  static const unsigned char h2_first[] = "\x02h2\x08http/1.1";
  static const unsigned char http1_only[] = "\x08http/1.1";
  const bool h2 = *static_cast<bool*>(offer_http2);
  unsigned char* chosen = nullptr;
  const int rc =
      SSL_select_next_proto(&chosen, out_size, h2 ? h2_first : http1_only,
                            h2 ? sizeof h2_first - 1 : sizeof http1_only - 1, client, client_size);
  if (rc != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

TlsIdentity::TlsIdentity(bool offer_http2) : offer_http2_(offer_http2) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  check(key != nullptr, "key generation");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509* c = cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 24L * 3600);
  X509_set_pubkey(c, key.get());
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(c, name);
  // Its own trust anchor (ca_file), valid for the addresses the tests use.
  add_extension(c, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(c, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  check(X509_sign(c, key.get(), EVP_sha256()) > 0, "signing");

  char path[] = "/tmp/neuroperf-test-cert-XXXXXX";
  const int fd = ::mkstemp(path);
  check(fd >= 0, "temporary certificate file");
  cert_file_ = path;
  FILE* file = ::fdopen(fd, "w");
  check(file != nullptr && PEM_write_X509(file, c) == 1, "writing the certificate");
  std::fclose(file);  // NOLINT(cppcoreguidelines-owning-memory): the FILE fdopen gave above

  context_ = SSL_CTX_new(TLS_server_method());
  check(context_ != nullptr, "SSL_CTX_new");
  check(SSL_CTX_use_certificate(context_, c) == 1, "certificate");
  check(SSL_CTX_use_PrivateKey(context_, key.get()) == 1, "private key");
  SSL_CTX_set_alpn_select_cb(context_, &select_protocol, &offer_http2_);
}

TlsIdentity::~TlsIdentity() {
  SSL_CTX_free(context_);
  if (!cert_file_.empty()) ::unlink(cert_file_.c_str());
}

}  // namespace neuro::load::testing
