// The engine server's WebSocket routes, /ws/stream (server pushes) and /ws/devices (device
// ingest). The HTTP side reads and authenticates the upgrade request, then hands the connection
// over here; everything after the handshake (sessions, send queues, storage of device packets)
// lives in this library.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuro::store {
class ConnectionPool;
}

namespace neuro::server::ws {

// A device registered on /ws/devices right now (listed by GET /api/v2/devices).
struct LiveDevice {
  std::string device_id;
  std::string device_type;
  int channels = 0;
  double sample_rate_hz = 0.0;
  std::int64_t packets = 0;  // data packets acknowledged so far
};

// Where a registered device's packets are stored: the HTTP side owns the API's session records,
// so it creates the session a device streams into and returns its store session id.
class DeviceSessions {
 public:
  virtual ~DeviceSessions() = default;
  // Called once per `register`. Throws on failure (the client then gets an error message).
  virtual std::int64_t open_device_session(const LiveDevice& device) = 0;
  // Called on `unregister` or disconnect with the number of packets stored.
  virtual void close_device_session(std::int64_t store_session_id, std::int64_t packets) = 0;
};

// Counters for GET /metrics, read at any time from any thread.
struct WebSocketStats {
  std::int64_t stream_sessions = 0;  // open /ws/stream connections
  std::int64_t device_sessions = 0;  // open /ws/devices connections
  std::int64_t queued_messages = 0;  // messages waiting in all send queues now
  std::int64_t max_queue_depth = 0;  // deepest single send queue now
  std::int64_t messages_sent_total = 0;
  std::int64_t messages_dropped_total = 0;  // dropped by a full send queue (slow reader)
  std::int64_t packets_acked_total = 0;
  std::int64_t packets_stored_total = 0;
  std::int64_t protocol_errors_total = 0;  // bad messages answered with {"type":"error"}
};

struct WebSocketOptions {
  std::size_t max_message_bytes = 4 << 20;  // a larger incoming message closes 1009
  std::size_t max_queued_messages = 256;    // per client; past it the oldest push is dropped
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds store_flush_interval{200};  // device packets batched per write
};

class WebSocketService {
 public:
  // `pool` stores device packets (eeg_chunks); both outlive the service.
  WebSocketService(store::ConnectionPool& pool, DeviceSessions& sessions, WebSocketOptions options);
  ~WebSocketService();
  WebSocketService(const WebSocketService&) = delete;
  WebSocketService& operator=(const WebSocketService&) = delete;

  // Takes over `stream` (its executor is the connection's strand) whose upgrade request to
  // /ws/stream or /ws/devices was already read and authenticated as `user`.
  void accept(boost::beast::tcp_stream stream,
              boost::beast::http::request<boost::beast::http::empty_body> upgrade,
              std::string user);

  std::vector<LiveDevice> live_devices() const;
  WebSocketStats stats() const;

  // Closes every session with 1001 (going away) after flushing stored packets; new upgrades
  // are refused from then on. Returns once every session has closed or `deadline` passed.
  void shutdown(std::chrono::milliseconds deadline);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace neuro::server::ws
