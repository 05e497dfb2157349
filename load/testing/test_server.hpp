// A small HTTP/1.1 server for the load runner's tests, on 127.0.0.1 with an ephemeral port:
// one thread per connection, keep-alive, and routes that misbehave on request:
//   /ok                  200 "ok"
//   /delay/MS            200 after MS milliseconds
//   /status/CODE         that status
//   /reset               the connection is reset (RST) instead of answered
//   /close               200 with Connection: close, then closes
//   /chunked             200 with a chunked body
//   /token               200 {"access_token": "abc123", "user": {"id": 7}}
//   /auth                200 with Authorization: Bearer abc123, else 401
//   /items/ID            200 {"id": "ID"} when ID is digits, else 404
//   /check/A/B           200 when A == B, else 400 (checks substituted captures)
//   POST /create         200 {"id": 42, "bytes": <body bytes received>}
// and, when configured, a stall: in every `stall_period_ms` the first `stall_ms` hold every
// response until the stall ends (the coordinated-omission scenario).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace neuro::load::testing {

struct TestServerOptions {
  std::int64_t stall_period_ms = 0;
  std::int64_t stall_ms = 0;
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Responses written and connections reset on purpose, counted by the server.
  std::int64_t responses() const { return responses_.load(); }
  std::int64_t resets() const { return resets_.load(); }
  std::int64_t connections() const { return connections_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  void hold_if_stalled() const;

  TestServerOptions options_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> responses_{0}, resets_{0}, connections_{0};
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace neuro::load::testing
