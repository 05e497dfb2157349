// What every WebSocket session of one service shares: options, counters, the registry of open
// sessions (for shutdown and queue-depth metrics), the live devices, the stream hub and the
// chunk writer. Lives as long as the longest session (sessions hold a shared_ptr to it).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/server/ws/chunk_writer.hpp"
#include "engine/server/ws/stream_hub.hpp"
#include "engine/server/ws/websocket_service.hpp"

namespace neuro::server::ws {

class WsSession;

struct Counters {
  std::atomic<std::int64_t> stream_sessions{0};
  std::atomic<std::int64_t> device_sessions{0};
  std::atomic<std::int64_t> queued_messages{0};
  std::atomic<std::int64_t> messages_sent_total{0};
  std::atomic<std::int64_t> messages_dropped_total{0};
  std::atomic<std::int64_t> packets_acked_total{0};
  std::atomic<std::int64_t> packets_stored_total{0};
  std::atomic<std::int64_t> protocol_errors_total{0};
};

struct ServiceState {
  ServiceState(store::ConnectionPool& pool_in, DeviceSessions& sessions_in,
               WebSocketOptions options_in)
      : pool(pool_in),
        device_sessions(sessions_in),
        options(options_in),
        hub(std::make_shared<StreamHub>()),
        writer(pool_in, counters.packets_stored_total) {}

  store::ConnectionPool& pool;
  DeviceSessions& device_sessions;
  const WebSocketOptions options;
  Counters counters;
  std::shared_ptr<StreamHub> hub;
  std::atomic<bool> shutting_down{false};

  // Open sessions, by address (registered once the handshake succeeded).
  std::mutex sessions_mutex;
  std::condition_variable sessions_changed;
  std::unordered_map<const WsSession*, std::weak_ptr<WsSession>> sessions;

  // Devices registered now, by id.
  mutable std::mutex devices_mutex;
  std::map<std::string, LiveDevice> devices;

  // Last: its destructor stores what is still waiting while the rest is intact.
  ChunkWriter writer;
};

}  // namespace neuro::server::ws
