// A /ws/stream connection: `subscribe` picks a stream (a live device, or a synthetic device
// profile) and the message kinds and format wanted; the hub's packets are then queued to it.
#pragma once

#include <memory>

#include "engine/server/ws/messages.hpp"
#include "engine/server/ws/stream_hub.hpp"
#include "engine/server/ws/ws_session.hpp"

namespace neuro::server::ws {

// Streamed when a subscribe names neither a device nor a profile and no device is live.
inline constexpr const char* kDefaultProfile = "openbci_cyton";

class StreamSession : public WsSession, public StreamSubscriber {
 public:
  StreamSession(std::shared_ptr<ServiceState> state, boost::beast::tcp_stream stream,
                std::string user)
      : WsSession(std::move(state), std::move(stream), Role::kStream, std::move(user)) {}

  void deliver(std::shared_ptr<const HubPacket> packet) override;

 protected:
  void on_text(std::string_view text) override;
  void on_end() override { subscription_.reset(); }

 private:
  void subscribe(const SubscribeRequest& request);
  void on_packet(const std::shared_ptr<const HubPacket>& shared);
  std::shared_ptr<StreamSession> self() {
    return std::static_pointer_cast<StreamSession>(shared_from_this());
  }

  std::unique_ptr<Subscription> subscription_;
  SubscribeRequest wants_;
};

}  // namespace neuro::server::ws
