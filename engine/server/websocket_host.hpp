// The seam between the HTTP side and the WebSocket service: what the server needs of it
// (hand over an authenticated upgrade, list live devices, read counters, shut down). The
// server holds a WebSocketHost* that may be null; then upgrades are answered 503.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/server/beast.hpp"
#include "engine/server/ws/websocket_service.hpp"

namespace neuro::server {

class WebSocketHost {
 public:
  virtual ~WebSocketHost() = default;
  virtual void accept(beast::tcp_stream stream, http::request<http::empty_body> upgrade,
                      std::string user) = 0;
  virtual std::vector<ws::LiveDevice> live_devices() const = 0;
  virtual ws::WebSocketStats stats() const = 0;
  virtual void shutdown(std::chrono::milliseconds deadline) = 0;
};

// Adapts the WebSocket library (engine/server/ws_bridge.cpp, linked into the server binary).
std::unique_ptr<WebSocketHost> make_websocket_host(ws::WebSocketService& service);

}  // namespace neuro::server
