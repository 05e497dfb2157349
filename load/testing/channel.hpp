// One accepted connection of the test server as a blocking byte stream, plain or TLS, so the
// HTTP/1.1 loop and the HTTP/2 session do not care which.
#pragma once

#include <openssl/ssl.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

namespace neuro::load::testing {

class Channel {
 public:
  // Takes `ssl` (may be null for plain TCP), not `fd`.
  Channel(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Channel() {
    if (ssl_) SSL_free(ssl_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // > 0 bytes read, 0 at the end of the stream, < 0 on an error.
  ssize_t read(char* buffer, std::size_t size);
  bool write_all(const char* data, std::size_t size);
  bool write_all(const std::string& data) { return write_all(data.data(), data.size()); }
  // Closes with a TCP reset (SO_LINGER 0) when the descriptor is closed.
  void reset_on_close();

 private:
  int fd_;
  SSL* ssl_;
};

}  // namespace neuro::load::testing
