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
//   /big/N[/mispaired]   200 {"note": <a string of brackets and escapes>, "values": [N floats],
//                        "count": N} (~7 bytes a value); /mispaired closes the array with '}'
//                        (found only by pairing every bracket)
//   /record, /poll/KEY/N, /json/VALUE   routes with state (recording_routes.hpp)
// and, when configured, a stall: in every `stall_period_ms` the first `stall_ms` hold every
// response until the stall ends (the coordinated-omission scenario). With `tls` it speaks
// HTTPS with a self-signed certificate made at start-up; with `http2` it also speaks HTTP/2
// (ALPN h2 over TLS, prior-knowledge h2c without), where /reset resets the stream.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "load/testing/channel.hpp"
#include "load/testing/recording_routes.hpp"
#include "load/testing/test_routes.hpp"

namespace neuro::load::testing {

class TlsIdentity;

struct TestServerOptions {
  std::int64_t stall_period_ms = 0;
  std::int64_t stall_ms = 0;
  bool tls = false;
  bool http2 = false;  // needs a build with libnghttp2 (http2_supported())
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Whether this build's server can speak HTTP/2 (libnghttp2-dev was there).
  static bool http2_supported();

  std::uint16_t port() const { return port_; }
  std::string url() const {
    return (options_.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
  }
  // The self-signed certificate as a PEM file (tls only), a trust anchor for clients.
  std::string cert_file() const;
  // Responses written and connections reset on purpose, counted by the server.
  std::int64_t responses() const { return responses_.load(); }
  std::int64_t resets() const { return resets_.load(); }
  std::int64_t connections() const { return connections_.load(); }
  // The stateful routes: what /record received, how often /poll/KEY was called.
  const RecordingRoutes& recording() const { return recording_; }

 private:
  void accept_loop();
  void serve(int fd);
  void serve_http1(Channel& channel, std::string buffer);
  TestAnswer respond(const TestRequest& request);
  void hold_if_stalled() const;

  TestServerOptions options_;
  RecordingRoutes recording_;
  std::unique_ptr<TlsIdentity> tls_;
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
