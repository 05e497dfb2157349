#include "engine/server/ws/websocket_service.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>

#include "engine/server/ws/device_session.hpp"
#include "engine/server/ws/service_state.hpp"
#include "engine/server/ws/stream_session.hpp"

namespace neuro::server::ws {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WebSocketService::State : ServiceState {
  using ServiceState::ServiceState;
};

WebSocketService::WebSocketService(store::ConnectionPool& pool, DeviceSessions& sessions,
                                   WebSocketOptions options)
    : state_(std::make_shared<State>(pool, sessions, options)) {}

WebSocketService::~WebSocketService() {
  state_->shutting_down = true;
  state_->hub->stop();
  // Sessions may keep the state alive past this object, but not the pool it writes to: what
  // the writer has been given is stored (or given up) before the owner can free the pool.
  state_->writer.drain(std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

void WebSocketService::accept(beast::tcp_stream stream,
                              beast::http::request<beast::http::empty_body> upgrade,
                              std::string user) {
  const auto raw_target = upgrade.target();
  std::string_view target(raw_target.data(), raw_target.size());
  target = target.substr(0, target.find('?'));
  std::shared_ptr<WsSession> session;
  if (target == "/ws/stream") {
    session = std::make_shared<StreamSession>(state_, std::move(stream), std::move(user));
  } else if (target == "/ws/devices") {
    session = std::make_shared<DeviceSession>(state_, std::move(stream), std::move(user));
  } else {
    beast::error_code ignored;
    stream.socket().close(ignored);  // the router only hands over these two paths
    return;
  }
  const auto executor = session->executor();
  boost::asio::dispatch(executor, [session = std::move(session), upgrade = std::move(upgrade)] {
    session->start(upgrade);
  });
}

std::vector<LiveDevice> WebSocketService::live_devices() const {
  std::lock_guard lock(state_->devices_mutex);
  std::vector<LiveDevice> out;
  out.reserve(state_->devices.size());
  for (const auto& [id, device] : state_->devices) out.push_back(device);
  return out;
}

WebSocketStats WebSocketService::stats() const {
  const auto& c = state_->counters;
  WebSocketStats s;
  s.stream_sessions = c.stream_sessions.load();
  s.device_sessions = c.device_sessions.load();
  s.queued_messages = c.queued_messages.load();
  s.messages_sent_total = c.messages_sent_total.load();
  s.messages_dropped_total = c.messages_dropped_total.load();
  s.packets_acked_total = c.packets_acked_total.load();
  s.packets_stored_total = c.packets_stored_total.load();
  s.protocol_errors_total = c.protocol_errors_total.load();
  std::lock_guard lock(state_->sessions_mutex);
  for (const auto& [raw, weak] : state_->sessions) {
    if (const auto session = weak.lock()) {
      s.max_queue_depth =
          std::max(s.max_queue_depth, static_cast<std::int64_t>(session->queue_depth()));
    }
  }
  return s;
}

// Sessions get 80% of the deadline to close cleanly (1001 after the frame being written); the
// ones still open then (peers that do not read) are cut, and the writer gets what is left.
void WebSocketService::shutdown(std::chrono::milliseconds deadline) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const auto end = start + deadline;
  const auto cut = start + deadline * 8 / 10;
  state_->shutting_down = true;
  state_->hub->stop();
  auto open_sessions = [&] {
    std::vector<std::shared_ptr<WsSession>> list;
    std::lock_guard lock(state_->sessions_mutex);
    for (const auto& [raw, weak] : state_->sessions) {
      if (auto s = weak.lock()) list.push_back(std::move(s));
    }
    return list;
  };
  for (const auto& s : open_sessions()) s->request_close(websocket::close_code::going_away);
  {
    std::unique_lock lock(state_->sessions_mutex);
    state_->sessions_changed.wait_until(lock, cut, [&] { return state_->sessions.empty(); });
  }
  for (const auto& s : open_sessions()) s->force_close();
  {
    std::unique_lock lock(state_->sessions_mutex);
    state_->sessions_changed.wait_until(lock, end, [&] { return state_->sessions.empty(); });
  }
  state_->writer.drain(end);
}

}  // namespace neuro::server::ws
