// TLS under the WebSocket transport (wss://, an https:// target): OpenSSL over the sessions'
// own non-blocking sockets, driven by the transport's epoll loop. One context per load thread,
// shared by its sessions (the trust store is read once), with the scenario's tls_verify and
// ca_file meaning what they mean to the libcurl engine. The calls never block: they say what
// the socket must become (readable, writable) before the same call is made again.
#pragma once

#include <openssl/ssl.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

#include "load/engine/transport_options.hpp"

namespace neuro::load {

// One session's TLS state; `ssl` is null on a plain ws:// session.
struct TlsLink {
  SSL* ssl = nullptr;
  bool read_wants_write = false;  // SSL_read is waiting for the socket to take bytes
  bool write_wants_read = false;  // SSL_write is waiting for bytes from the peer
  bool broken = false;            // a fatal TLS error: no close_notify may follow
};

class WsTlsContext {
 public:
  // Verification as `options` says: the system's trust anchors and ca_file, the certificate's
  // name checked against the host, or neither with tls_verify false. A ca_file that does not
  // load leaves every handshake failing verification (counted `tls`, as libcurl does).
  explicit WsTlsContext(const TransportOptions& options);
  ~WsTlsContext();
  WsTlsContext(const WsTlsContext&) = delete;
  WsTlsContext& operator=(const WsTlsContext&) = delete;

  // A client session over the socket `fd` for `host` (a name, an IPv4 address or a bracketed
  // IPv6 one): SNI for a name, the certificate checked against it. False when OpenSSL cannot
  // make one (memory).
  bool open(TlsLink& link, int fd, const std::string& host) const;

 private:
  SSL_CTX* context_ = nullptr;
  bool verify_ = true;
};

enum class TlsProgress { kDone, kWaiting, kFailed };
// Drives the handshake on: kWaiting until the socket changes (any epoll event retries it).
TlsProgress tls_handshake(TlsLink& link);

// As recv(2) into `data`: bytes (SSL_read until `size` is filled or the socket is drained,
// several records per call), 0 at the end of the stream (close_notify, or a plain EOF: the
// WebSocket close handshake is what tells a complete session), -1 with errno EAGAIN (wait for
// an event) or EPROTO (a TLS error). `drained`: the socket had no more bytes, so the next
// bytes come with a new edge.
ssize_t tls_recv(TlsLink& link, char* data, std::size_t size, bool& drained);
// As send(2): bytes written (whole records), or -1 with errno EAGAIN or EPIPE. A retry after
// EAGAIN must offer at least the same bytes (the transport only appends to what is pending).
ssize_t tls_send(TlsLink& link, const char* data, std::size_t size);
// Best effort: close_notify when the session is intact (one non-blocking try), then frees it.
void tls_close(TlsLink& link);

}  // namespace neuro::load
