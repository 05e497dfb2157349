// The only place that calls into the WebSocket library (linked into neuroperf-server only).
#include "engine/server/websocket_host.hpp"

namespace neuro::server {

namespace {

class Bridge final : public WebSocketHost {
 public:
  explicit Bridge(ws::WebSocketService& service) : service_(service) {}
  void accept(beast::tcp_stream stream, http::request<http::empty_body> upgrade,
              std::string user) override {
    service_.accept(std::move(stream), std::move(upgrade), std::move(user));
  }
  std::vector<ws::LiveDevice> live_devices() const override { return service_.live_devices(); }
  ws::WebSocketStats stats() const override { return service_.stats(); }
  void shutdown(std::chrono::milliseconds deadline) override { service_.shutdown(deadline); }

 private:
  ws::WebSocketService& service_;
};

}  // namespace

std::unique_ptr<WebSocketHost> make_websocket_host(ws::WebSocketService& service) {
  return std::make_unique<Bridge>(service);
}

}  // namespace neuro::server
