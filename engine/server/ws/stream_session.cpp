#include "engine/server/ws/stream_session.hpp"

#include <boost/asio/post.hpp>

#include "engine/base/errors.hpp"

namespace neuro::server::ws {

void StreamSession::deliver(std::shared_ptr<const HubPacket> packet) {
  boost::asio::post(executor(),
                    [self = self(), packet = std::move(packet)] { self->on_packet(packet); });
}

void StreamSession::on_packet(const std::shared_ptr<const HubPacket>& shared) {
  const HubPacket& packet = *shared;
  // Packets of a stream this client left (resubscribed) may still be on their way.
  if (ending() || !subscription_ || packet.topic != subscription_->topic()) return;
  switch (packet.kind) {
    case HubPacket::Kind::kData:
      if (!wants_.neural_data) return;
      if (wants_.samples_per_packet != 0) {
        if (const auto* split = packet.split(wants_.samples_per_packet)) {
          // The packet's messages as one burst, sharing the packet's lifetime.
          send_burst(
              std::shared_ptr<const Frames>(shared, wants_.binary ? &split->binary : &split->json),
              wants_.binary);
        }
      } else if (wants_.binary) {
        send(packet.binary, true);
      } else {
        send(packet.json);
      }
      return;
    case HubPacket::Kind::kQuality:
      if (wants_.signal_quality) send(packet.json);
      return;
    case HubPacket::Kind::kEnded:
      send(packet.json);
      subscription_.reset();
      return;
  }
}

void StreamSession::on_text(std::string_view text) {
  try {
    const auto message = parse_client_message(text);
    if (message.type == "subscribe") {
      subscribe(parse_subscribe(message.body));
    } else if (message.type == "unsubscribe") {
      subscription_.reset();
      send(R"({"type":"unsubscribed"})");
    } else if (message.type == "ping") {
      send(R"({"type":"pong","timestamp":)" + format_epoch_seconds(epoch_seconds_now()) + "}");
    } else {
      throw base::InvalidArgument("unknown message type '" + message.type +
                                  "' (expected subscribe, unsubscribe or ping)");
    }
  } catch (const std::exception& e) {
    state().counters.protocol_errors_total.fetch_add(1);
    send_error(e.what());
  }
}

void StreamSession::subscribe(const SubscribeRequest& request) {
  auto& hub = *state().hub;
  std::weak_ptr<StreamSubscriber> me = self();
  subscription_.reset();
  std::optional<std::string> device = request.device_id;
  if (!device && !request.profile) device = hub.latest_device();
  // Set before the hub can deliver: packets are handled on this executor, after this returns.
  wants_ = request;
  const PacketForm form{request.binary, request.samples_per_packet};
  if (device) {
    subscription_ = hub.subscribe_device(*device, me, form);
  } else {
    subscription_ =
        hub.subscribe_synthetic(request.profile.value_or(kDefaultProfile), me, form, executor());
  }
  const auto& info = subscription_->info();
  nlohmann::json kinds = nlohmann::json::array();
  if (request.neural_data) kinds.push_back("neural_data");
  if (request.signal_quality) kinds.push_back("signal_quality");
  nlohmann::json reply{{"type", "subscribed"},
                       {"channels", kinds},
                       {"source", info.source},
                       {"device", info.name},
                       {"channel_count", info.channels},
                       {"sample_rate", info.sample_rate_hz},
                       {"format", request.binary ? "binary" : "json"}};
  if (request.samples_per_packet != 0) reply["samples_per_packet"] = request.samples_per_packet;
  send(reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace neuro::server::ws
