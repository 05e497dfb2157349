#include "load/testing/test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "load/testing/tls_identity.hpp"
#ifdef NEURO_TEST_SERVER_HTTP2
#include "load/testing/h2_session.hpp"
#endif

namespace neuro::load::testing {
namespace {

std::string http1_response(const TestAnswer& a) {
  if (a.chunked) {
    // The body in two chunks, so that the client's chunked decoding is exercised.
    const std::string first = a.body.substr(0, a.body.size() / 2);
    const std::string second = a.body.substr(first.size());
    auto chunk = [](const std::string& data) {
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", data.size());
      return size + data + "\r\n";
    };
    return "HTTP/1.1 " + std::to_string(a.status) + " X\r\nTransfer-Encoding: chunked\r\n\r\n" +
           chunk(first) + chunk(second) + "0\r\n\r\n";
  }
  return "HTTP/1.1 " + std::to_string(a.status) +
         " X\r\nContent-Length: " + std::to_string(a.body.size()) +
         "\r\nContent-Type: application/json\r\n" + (a.close ? "Connection: close\r\n" : "") +
         "\r\n" + a.body;
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

bool TestServer::http2_supported() {
#ifdef NEURO_TEST_SERVER_HTTP2
  return true;
#else
  return false;
#endif
}

std::string TestServer::cert_file() const { return tls_ ? tls_->cert_file() : std::string(); }

TestServer::TestServer(TestServerOptions options)
    : options_(options), started_(std::chrono::steady_clock::now()) {
  if (options_.http2 && !http2_supported()) {
    throw std::runtime_error("test server: built without libnghttp2, no HTTP/2");
  }
  if (options_.tls) tls_ = std::make_unique<TlsIdentity>(options_.http2);
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

TestAnswer TestServer::respond(const TestRequest& request) {
  hold_if_stalled();
  TestAnswer a = recording_.answer(request);
  ++(a.reset ? resets_ : responses_);
  return a;
}

void TestServer::serve(int fd) {
  // SSL_write to a client that went away raises SIGPIPE (plain sends use MSG_NOSIGNAL):
  // blocked in this thread, it becomes a failed write instead of the end of the test.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  SSL* ssl = nullptr;
  bool http2 = false;
  if (tls_) {
    ssl = SSL_new(tls_->context());
    SSL_set_fd(ssl, fd);
  }
  {
    Channel channel(fd, ssl);
    // A client that refuses the certificate ends the handshake: nothing to serve.
    if (!ssl || SSL_accept(ssl) == 1) {
      std::string buffer;
      if (ssl) {
        const unsigned char* protocol = nullptr;
        unsigned int size = 0;
        SSL_get0_alpn_selected(ssl, &protocol, &size);
        http2 = size == 2 && std::memcmp(protocol, "h2", 2) == 0;
      } else if (options_.http2) {
        // h2c with prior knowledge starts with the connection preface "PRI * HTTP/2.0".
        char chunk[4096];
        const ssize_t n = channel.read(chunk, sizeof chunk);
        if (n > 0) buffer.assign(chunk, static_cast<std::size_t>(n));
        http2 = buffer.rfind("PRI ", 0) == 0;
      }
#ifdef NEURO_TEST_SERVER_HTTP2
      if (http2) {
        serve_http2(channel, buffer, [this](const TestRequest& r) { return respond(r); });
      }
#endif
      if (!http2) serve_http1(channel, std::move(buffer));
    }
  }
  {
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  }
  ::close(fd);
}

void TestServer::serve_http1(Channel& channel, std::string buffer) {
  char chunk[65536];
  bool open = true;
  while (open && !stopping_) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = channel.read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = buffer.substr(0, head_end + 2);
    const auto length_text = header(head, "content-length");
    const std::size_t body_size = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer.size() < head_end + 4 + body_size) {
      const ssize_t n = channel.read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    TestRequest request;
    request.method = head.substr(0, sp1);
    request.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    // Only /record keeps the body: copying every upload would slow the throughput tests.
    if (request.path.rfind("/record", 0) == 0)
      request.body = buffer.substr(head_end + 4, body_size);
    buffer.erase(0, head_end + 4 + body_size);
    request.authorization = header(head, "authorization");
    request.body_size = body_size;
    request.content_type = header(head, "content-type");
    // Counted once on the wire (HTTP/2 counts when the answer is submitted, in respond()).
    hold_if_stalled();
    const TestAnswer a = recording_.answer(request);
    if (a.reset) {
      channel.reset_on_close();
      ++resets_;
      return;
    }
    // Counted before the write: a client that has read the answer must find it counted (counting
    // after the write raced with tests comparing the two, 99 of 100 on a loaded machine).
    ++responses_;
    if (!channel.write_all(http1_response(a))) {
      --responses_;
      return;
    }
    open = !a.close;
  }
}

}  // namespace neuro::load::testing
