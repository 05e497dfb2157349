#include "load/testing/channel.hpp"

#include <sys/socket.h>

namespace neuro::load::testing {

ssize_t Channel::read(char* buffer, std::size_t size) {
  if (ssl_) {
    const int n = SSL_read(ssl_, buffer, static_cast<int>(size));
    return n > 0 ? n : (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
  }
  return ::recv(fd_, buffer, size, 0);
}

bool Channel::write_all(const char* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ssl_ ? SSL_write(ssl_, data + sent, static_cast<int>(size - sent))
                           : ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void Channel::reset_on_close() {
  const linger hard{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

}  // namespace neuro::load::testing
