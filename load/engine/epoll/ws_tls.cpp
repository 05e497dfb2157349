#include "load/engine/epoll/ws_tls.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>

namespace neuro::load {
namespace {

int fd_of(BIO* b) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b))); }

bool retryable(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

// OpenSSL's socket BIO writes with write(2): a peer that went away would raise SIGPIPE and end
// the run. This one sends with MSG_NOSIGNAL, as the plain path does, and reads with recv(2).
int bio_write(BIO* b, const char* data, int size) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::send(fd_of(b), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && retryable(errno)) BIO_set_retry_write(b);
  return static_cast<int>(n);
}

int bio_read(BIO* b, char* data, int size) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::recv(fd_of(b), data, static_cast<std::size_t>(size), 0);
  if (n < 0 && retryable(errno)) BIO_set_retry_read(b);
  // BIO_eof() is how OpenSSL tells a closed stream from a failed read.
  if (n == 0) BIO_set_flags(b, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

long bio_ctrl(BIO* b, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    default:
      return 0;
  }
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "neuroperf ws socket");
    BIO_meth_set_write(m, &bio_write);
    BIO_meth_set_read(m, &bio_read);
    BIO_meth_set_ctrl(m, &bio_ctrl);
    return m;
  }();
  return method;
}

// "[::1]" -> "::1"; names and IPv4 addresses as they are.
std::string bare_host(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

bool is_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

WsTlsContext::WsTlsContext(const TransportOptions& options) : verify_(options.tls_verify) {
  context_ = SSL_CTX_new(TLS_client_method());
  if (!context_) return;
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  // An EOF without close_notify is the end of the stream: the WebSocket close handshake, not
  // TLS, tells a complete session from a cut one (and many servers just close).
  SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Partial writes: the transport keeps what is left in its own buffer, which may grow (and
  // move) before the retry. Released buffers: thousands of idle sessions hold no record buffers.
  // Read-ahead: a record's header and body in one recv, and more records when they are there.
  SSL_CTX_set_mode(context_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                 SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_read_ahead(context_, 1);
  // WebSocket upgrades are HTTP/1.1 (RFC 8441's HTTP/2 variant is another protocol).
  static const unsigned char kAlpn[] = "\x08http/1.1";
  SSL_CTX_set_alpn_protos(context_, kAlpn, sizeof kAlpn - 1);
  if (verify_) {
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_default_verify_paths(context_);
    if (!options.ca_file.empty()) {
      SSL_CTX_load_verify_locations(context_, options.ca_file.c_str(), nullptr);
    }
  } else {
    SSL_CTX_set_verify(context_, SSL_VERIFY_NONE, nullptr);
  }
  ERR_clear_error();
}

WsTlsContext::~WsTlsContext() { SSL_CTX_free(context_); }

bool WsTlsContext::open(TlsLink& link, int fd, const std::string& host) const {
  link = TlsLink{};
  if (!context_) return false;
  SSL* ssl = SSL_new(context_);
  BIO* bio = ssl ? BIO_new(socket_method()) : nullptr;
  if (!bio) {
    SSL_free(ssl);
    ERR_clear_error();
    return false;
  }
  // The descriptor itself is the BIO's data (nothing to own or free); fd_of reads it back.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl, bio, bio);
  SSL_set_connect_state(ssl);
  const std::string name = bare_host(host);
  const bool address = is_address(name);
  // SNI carries names only (RFC 6066 section 3).
  if (!address) SSL_set_tlsext_host_name(ssl, name.c_str());
  if (verify_) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (address) {
      X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, name.c_str());
    }
  }
  link.ssl = ssl;
  return true;
}

TlsProgress tls_handshake(TlsLink& link) {
  const int rc = SSL_connect(link.ssl);
  if (rc == 1) return TlsProgress::kDone;
  const int e = SSL_get_error(link.ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return TlsProgress::kWaiting;
  link.broken = true;
  ERR_clear_error();
  return TlsProgress::kFailed;
}

ssize_t tls_recv(TlsLink& link, char* data, std::size_t size, bool& drained) {
  drained = false;
  link.read_wants_write = false;
  if (link.broken) {
    errno = EPROTO;
    return -1;
  }
  std::size_t got = 0;
  while (got < size) {
    const int want = static_cast<int>(std::min<std::size_t>(size - got, INT_MAX));
    const int n = SSL_read(link.ssl, data + got, want);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      continue;
    }
    const int e = SSL_get_error(link.ssl, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      link.read_wants_write = e == SSL_ERROR_WANT_WRITE;
      drained = true;
      // The read that found the socket empty set up a record buffer (17 KB) that
      // SSL_MODE_RELEASE_BUFFERS keeps: an idle session holds none (a no-op with bytes pending).
      SSL_free_buffers(link.ssl);
      if (got > 0) return static_cast<ssize_t>(got);
      errno = EAGAIN;
      return -1;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
      // The next call sees the end again: the bytes before it go first.
      return static_cast<ssize_t>(got);
    }
    link.broken = true;  // the next call fails at once, after the bytes before the failure
    ERR_clear_error();
    if (got > 0) return static_cast<ssize_t>(got);
    errno = EPROTO;
    return -1;
  }
  return static_cast<ssize_t>(got);
}

ssize_t tls_send(TlsLink& link, const char* data, std::size_t size) {
  link.write_wants_read = false;
  if (link.broken) {
    errno = EPIPE;
    return -1;
  }
  const int n = SSL_write(link.ssl, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
  if (n > 0) return n;
  const int e = SSL_get_error(link.ssl, n);
  if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
    link.write_wants_read = e == SSL_ERROR_WANT_READ;
    errno = EAGAIN;
    return -1;
  }
  link.broken = true;
  ERR_clear_error();
  errno = EPIPE;
  return -1;
}

void tls_close(TlsLink& link) {
  if (!link.ssl) return;
  if (!link.broken && SSL_is_init_finished(link.ssl)) SSL_shutdown(link.ssl);
  ERR_clear_error();
  SSL_free(link.ssl);
  link = TlsLink{};
}

}  // namespace neuro::load
