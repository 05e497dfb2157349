// A /ws/devices connection: one device registers, streams `data` packets (each acknowledged at
// once, filtered by the streaming band-pass, published to /ws/stream followers and batched into
// eeg_chunks every store_flush_interval) and unregisters once its packets are stored.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/dsp/streaming_filter.hpp"
#include "engine/server/ws/messages.hpp"
#include "engine/server/ws/ws_session.hpp"

namespace neuro::server::ws {

// The band-pass every device packet goes through before it is stored: the engine's default
// band, its upper edge kept below Nyquist for slow devices.
dsp::SosCoefficients device_filter(double sample_rate_hz);

class DeviceSession : public WsSession {
 public:
  DeviceSession(std::shared_ptr<ServiceState> state, boost::beast::tcp_stream stream,
                std::string user);

 protected:
  void on_text(std::string_view text) override;
  void on_end() override;

 private:
  struct Device {
    Device(LiveDevice info_in, std::int64_t session_id, dsp::StreamingFilter filter_in,
           std::shared_ptr<StreamTopic> topic_in)
        : info(std::move(info_in)),
          store_session_id(session_id),
          filter(std::move(filter_in)),
          topic(std::move(topic_in)),
          pending(static_cast<std::size_t>(info.channels)) {}
    LiveDevice info;
    std::int64_t store_session_id = 0;
    dsp::StreamingFilter filter;
    common::SignalBlock filtered;
    std::shared_ptr<StreamTopic> topic;
    std::int64_t packets = 0;
    std::optional<std::int64_t> start_us;  // stream time of sample 0
    std::size_t samples_flushed = 0;       // per channel, handed to the writer
    std::vector<std::vector<float>> pending;
    std::int64_t pending_packets = 0;
    std::shared_ptr<std::atomic<std::int64_t>> stored =
        std::make_shared<std::atomic<std::int64_t>>(0);
  };

  void on_register(const nlohmann::json& body);
  // On the connection's executor once the store made the device's session row (or failed).
  void on_registered(LiveDevice info, std::int64_t store_session_id, const std::string& error);
  void on_data(const nlohmann::json& body);
  void on_packet(const DataPacket& packet);  // a parsed packet of the registered device
  void on_unregister(const nlohmann::json& body);
  void flush(bool final, bool reply);
  void arm_flush();
  void end_device(bool reply);

  std::optional<Device> device_;
  std::optional<std::string> registering_;  // the device whose session row is being made
  boost::asio::steady_timer flush_timer_;
  bool flush_armed_ = false;
};

}  // namespace neuro::server::ws
