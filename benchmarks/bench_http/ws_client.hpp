// A blocking WebSocket client on Boost.Beast for bench_http's /ws/stream and /ws/devices
// benchmarks: the token goes in the upgrade's query (?token=), every read and write is bounded
// by a timeout, and each received message carries the system_clock time it arrived (the push
// latency is that minus the server's timestamp, both on this machine's clock).
#pragma once

#include <boost/beast/websocket.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "benchmarks/bench_http/http_client.hpp"

namespace neuro::bench::http_bench {

struct WsMessage {
  std::string text;
  bool binary = false;
  std::chrono::system_clock::time_point received;
};

class WsClient {
 public:
  // Connects and upgrades `path` (e.g. "/ws/stream"); throws Unreachable when the target cannot
  // be reached or refuses the upgrade.
  WsClient(const TargetUrl& target, const std::string& path, const std::string& token,
           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const std::string& text);  // throws Unreachable
  // The next message; nullopt on timeout. Throws Unreachable when the connection is lost.
  std::optional<WsMessage> read(std::chrono::milliseconds timeout);

 private:
  template <typename Done>
  bool run_until(std::chrono::milliseconds timeout, const Done& done);

  std::string where_;
  std::chrono::milliseconds timeout_;
  net::io_context io_;
  beast::websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool reading_ = false;  // a read outlived its timeout and is still pending
  beast::error_code read_ec_;
  bool read_done_ = false;
  std::chrono::system_clock::time_point read_at_;
};

}  // namespace neuro::bench::http_bench
