// The API session record of a device registered on /ws/devices: it shows in the sessions list,
// and its store id is where the WebSocket service writes the device's packets.
#pragma once

#include "engine/server/ws/websocket_service.hpp"
#include "engine/store/pool.hpp"

namespace neuro::server {

class ApiDeviceSessions final : public ws::DeviceSessions {
 public:
  explicit ApiDeviceSessions(store::ConnectionPool& pool) : pool_(pool) {}
  std::int64_t open_device_session(const ws::LiveDevice& device) override;
  void close_device_session(std::int64_t store_session_id, std::int64_t packets) override;

 private:
  store::ConnectionPool& pool_;
};

}  // namespace neuro::server
