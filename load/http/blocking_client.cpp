#include "load/http/blocking_client.hpp"

#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "engine/base/errors.hpp"
#include "load/http/response_parser.hpp"

namespace neuro::load {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void unreachable(const std::string& what) {
  throw base::Error(base::ExitCode::kUnreachable, what);
}

// An owned socket descriptor.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms > 0 ? static_cast<int>(ms) : 0;
}

// Connected non-blocking socket, or a thrown Error naming why not.
int connect_within(const ResolvedTarget& t, Clock::time_point deadline, const std::string& url) {
  const int fd = ::socket(t.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) unreachable(url + ": socket: " + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&t.address), t.address_size) != 0 &&
      errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    unreachable(url + ": cannot connect: " + std::strerror(err));
  }
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, remaining_ms(deadline)) != 1) {
    ::close(fd);
    unreachable(url + ": cannot connect: timed out");
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    ::close(fd);
    unreachable(url + ": cannot connect: " + std::strerror(err));
  }
  return fd;
}

}  // namespace

ResolvedTarget resolve_target(const std::string& url) {
  ResolvedTarget t;
  t.url = parse_target_url(url);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(t.url.port);
  const int rc = ::getaddrinfo(t.url.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || !found) unreachable(url + ": cannot resolve host: " + ::gai_strerror(rc));
  std::memcpy(&t.address, found->ai_addr, found->ai_addrlen);
  t.address_size = found->ai_addrlen;
  ::freeaddrinfo(found);
  return t;
}

void check_reachable(const ResolvedTarget& target, const std::string& url, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  Socket s(connect_within(target, std::chrono::time_point_cast<Clock::duration>(deadline), url));
}

Exchange exchange_once(const ResolvedTarget& target, const std::string& request, bool head,
                       double timeout_s) {
  const std::string url = "http://" + target.url.host_header;
  const auto deadline = std::chrono::time_point_cast<Clock::duration>(
      Clock::now() + std::chrono::duration<double>(timeout_s));
  Socket s(connect_within(target, deadline, url));
  std::size_t written = 0;
  while (written < request.size()) {
    const ssize_t n =
        ::send(s.get(), request.data() + written, request.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{s.get(), POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) != 1) unreachable(url + ": write timed out");
      continue;
    }
    unreachable(url + ": write failed: " + std::strerror(errno));
  }
  Exchange out;
  ResponseParser parser;
  BodyBuffer body;
  parser.reset(head, &body);
  char buffer[16384];
  for (;;) {
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) unreachable(url + ": response timed out");
    const ssize_t n = ::recv(s.get(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) unreachable(url + ": read failed: " + std::strerror(errno));
    ResponseParser::Status status;
    if (n == 0) {
      status = parser.on_eof();
    } else {
      std::size_t used = 0;
      status = parser.feed(buffer, static_cast<std::size_t>(n), &used);
    }
    if (status == ResponseParser::Status::kError) unreachable(url + ": malformed response");
    if (status == ResponseParser::Status::kComplete) break;
  }
  out.status = parser.status_code();
  out.body.assign(body.view());
  return out;
}

}  // namespace neuro::load
