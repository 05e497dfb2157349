#include "load/testing/test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace neuro::load::testing {
namespace {

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string response(int status, const std::string& body, bool close = false) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nContent-Type: application/json\r\n" + (close ? "Connection: close\r\n" : "") +
         "\r\n" + body;
}

std::string header(const std::string& head, const std::string& name) {
  // Case-insensitive search for "\r\nName:".
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return {};
  auto from = at + 3 + name.size();
  while (from < head.size() && head[from] == ' ') ++from;
  return head.substr(from, head.find("\r\n", from) - from);
}

}  // namespace

TestServer::TestServer(TestServerOptions options)
    : options_(options), started_(std::chrono::steady_clock::now()) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 4096) != 0) {
    throw std::runtime_error(std::string("test server: bind/listen: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

void TestServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) != 1) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++connections_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void TestServer::hold_if_stalled() const {
  if (options_.stall_period_ms <= 0 || options_.stall_ms <= 0) return;
  const auto now = std::chrono::steady_clock::now() - started_;
  const auto period = std::chrono::milliseconds(options_.stall_period_ms);
  const auto in_period = now % period;
  if (in_period < std::chrono::milliseconds(options_.stall_ms)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.stall_ms) - in_period);
  }
}

void TestServer::serve(int fd) {
  std::string buffer;
  char chunk[65536];
  bool open = true;
  while (open && !stopping_) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        open = false;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (!open) break;
    const std::string head = buffer.substr(0, head_end + 2);
    const auto length_text = header(head, "content-length");
    const std::size_t body_size = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer.size() < head_end + 4 + body_size) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        open = false;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (!open) break;
    buffer.erase(0, head_end + 4 + body_size);
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    const std::string method = head.substr(0, sp1);
    const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    hold_if_stalled();
    std::string out;
    if (path == "/reset") {
      const linger hard{1, 0};  // close with RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      ++resets_;
      break;
    } else if (path == "/ok") {
      out = response(200, "ok");
    } else if (path.rfind("/delay/", 0) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stol(path.substr(7))));
      out = response(200, "ok");
    } else if (path.rfind("/status/", 0) == 0) {
      out = response(std::stoi(path.substr(8)), "status");
    } else if (path == "/close") {
      out = response(200, "bye", true);
      open = false;
    } else if (path == "/chunked") {
      out =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
          "world\r\n0\r\n\r\n";
    } else if (path == "/token") {
      out = response(200, R"({"access_token": "abc123", "user": {"id": 7}})");
    } else if (path == "/auth") {
      out = header(head, "authorization") == "Bearer abc123" ? response(200, "yes")
                                                             : response(401, "no");
    } else if (path.rfind("/items/", 0) == 0) {
      const std::string id = path.substr(7);
      const bool digits = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
      out = digits ? response(200, "{\"id\": \"" + id + "\"}") : response(404, "bad id");
    } else if (path.rfind("/check/", 0) == 0) {
      const std::string rest = path.substr(7);
      const auto slash = rest.find('/');
      const bool same =
          slash != std::string::npos && rest.substr(0, slash) == rest.substr(slash + 1);
      out = response(same ? 200 : 400, same ? "same" : "different");
    } else if (path == "/create" && method == "POST") {
      out = response(200, "{\"id\": 42, \"bytes\": " + std::to_string(body_size) + "}");
    } else {
      out = response(404, "not found");
    }
    if (!send_all(fd, out)) break;
    ++responses_;
  }
  {
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  }
  ::close(fd);
}

}  // namespace neuro::load::testing
