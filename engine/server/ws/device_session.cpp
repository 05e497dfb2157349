#include "engine/server/ws/device_session.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <iostream>

#include "engine/base/errors.hpp"
#include "engine/dsp/filter_design.hpp"
#include "engine/dsp/zero_phase.hpp"
#include "engine/server/ws/data_message.hpp"

namespace neuro::server::ws {

using base::InvalidArgument;

dsp::SosCoefficients device_filter(double sample_rate_hz) {
  return dsp::butter_bandpass(dsp::kDefaultOrder, dsp::kDefaultLowHz,
                              std::min(dsp::kDefaultHighHz, sample_rate_hz / 2.0 - 1.0),
                              sample_rate_hz);
}

DeviceSession::DeviceSession(std::shared_ptr<ServiceState> state, boost::beast::tcp_stream stream,
                             std::string user)
    : WsSession(std::move(state), std::move(stream), Role::kDevice, std::move(user)),
      flush_timer_(executor()) {}

void DeviceSession::on_text(std::string_view text) {
  try {
    // A registered device's packets first try the fast reader; anything it leaves (other
    // types, problems) goes through the full parser, whose errors name the problem.
    if (device_) {
      if (auto packet =
              parse_data_message(text, device_->filter.channels(), device_->info.sample_rate_hz)) {
        on_packet(*packet);
        return;
      }
    }
    const auto message = parse_client_message(text);
    if (message.type == "data") {
      on_data(message.body);
    } else if (message.type == "register") {
      on_register(message.body);
    } else if (message.type == "unregister") {
      on_unregister(message.body);
    } else if (message.type == "ping") {
      send(R"({"type":"pong","timestamp":)" + format_epoch_seconds(epoch_seconds_now()) + "}");
    } else {
      throw InvalidArgument("unknown message type '" + message.type +
                            "' (expected register, data, unregister or ping)");
    }
  } catch (const std::exception& e) {
    state().counters.protocol_errors_total.fetch_add(1);
    send_error(e.what());
  }
}

void DeviceSession::on_register(const nlohmann::json& body) {
  if (device_ || registering_) {
    throw InvalidArgument("this connection already registered device '" +
                          (device_ ? device_->info.device_id : *registering_) +
                          "'; unregister it first");
  }
  const auto request = parse_register(body);
  LiveDevice info{request.device_id, request.device_type, request.channels, request.sample_rate_hz,
                  0};
  auto& st = state();
  {
    std::lock_guard lock(st.devices_mutex);
    if (!st.devices.emplace(info.device_id, info).second) {
      throw InvalidArgument("device '" + info.device_id + "' is already registered");
    }
  }
  // Its session row is a PostgreSQL round trip: made on the writer thread, not here, where it
  // would hold every other connection of this network thread (the ramp of a 1,000-device fleet
  // showed acks waiting for it). This connection reads nothing more until it is done.
  registering_ = info.device_id;
  pause_reading();
  auto self = std::static_pointer_cast<DeviceSession>(shared_from_this());
  DeviceSessions* sessions = &st.device_sessions;
  st.writer.run_in_order([self = std::move(self), sessions, info = std::move(info)]() mutable {
    std::int64_t store_session_id = 0;
    std::string error;
    try {
      store_session_id = sessions->open_device_session(info);
    } catch (const std::exception& e) {
      error = e.what();
    }
    // Back on the connection's executor, which also takes the last reference there (the
    // session's destructor may release the whole service state, writer thread included).
    auto executor = self->executor();
    boost::asio::post(executor, [self = std::move(self), info = std::move(info), store_session_id,
                                 error = std::move(error)]() mutable {
      self->on_registered(std::move(info), store_session_id, error);
    });
  });
}

void DeviceSession::on_registered(LiveDevice info, std::int64_t store_session_id,
                                  const std::string& error) {
  registering_.reset();
  auto& st = state();
  if (!error.empty() || ending()) {
    {
      std::lock_guard lock(st.devices_mutex);
      st.devices.erase(info.device_id);
    }
    if (error.empty()) {
      // The connection went while its row was made: close the row with nothing stored.
      DeviceSessions* sessions = &st.device_sessions;
      st.writer.run_in_order([sessions, store_session_id, device_id = info.device_id] {
        try {
          sessions->close_device_session(store_session_id, 0);
        } catch (const std::exception& e) {
          std::cerr << "ws: closing the session of device '" << device_id << "': " << e.what()
                    << "\n";
        }
      });
    } else {
      st.counters.protocol_errors_total.fetch_add(1);
      send_error("could not open a session for device '" + info.device_id + "': " + error);
    }
    resume_reading();
    return;
  }
  const auto channels = static_cast<std::size_t>(info.channels);
  dsp::StreamingFilter filter(device_filter(info.sample_rate_hz), channels);
  // Steady-state start: a device's DC offset does not ring through the first stored second.
  filter.reset(dsp::StreamingFilter::Start::kSteadyState);
  auto topic = st.hub->open_device(info.device_id, channels, info.sample_rate_hz);
  device_.emplace(info, store_session_id, std::move(filter), std::move(topic));
  send(nlohmann::json{{"type", "registered"},
                      {"device_id", info.device_id},
                      {"session_id", std::to_string(store_session_id)},
                      {"channels", info.channels},
                      {"sample_rate", info.sample_rate_hz},
                      {"server_time", epoch_seconds_now()}}
           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  resume_reading();
}

void DeviceSession::on_data(const nlohmann::json& body) {
  if (!device_) throw InvalidArgument("send 'register' before 'data'");
  auto& d = *device_;
  on_packet(parse_data(body, d.filter.channels(), d.info.sample_rate_hz));
}

void DeviceSession::on_packet(const DataPacket& packet) {
  auto& d = *device_;
  if (packet.device_id != d.info.device_id) {
    throw InvalidArgument("data for device '" + packet.device_id + "' on the connection of '" +
                          d.info.device_id + "'");
  }
  d.filter.process(packet.block, d.filtered);
  const double now_s = epoch_seconds_now();
  if (!d.start_us) {
    // The stream's clock: the first packet's own time (else arrival), then one sample period
    // per sample, so stored chunks are contiguous and never collide.
    d.start_us = static_cast<std::int64_t>(packet.timestamp_s.value_or(now_s) * 1e6);
  }
  for (std::size_t c = 0; c < d.filtered.channels(); ++c) {
    const auto channel = d.filtered.channel(c);
    d.pending[c].insert(d.pending[c].end(), channel.begin(), channel.end());
  }
  ++d.pending_packets;
  ++d.packets;
  auto& st = state();
  st.counters.packets_acked_total.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(st.devices_mutex);
    if (auto it = st.devices.find(d.info.device_id); it != st.devices.end()) {
      it->second.packets = d.packets;
    }
  }
  send(ack_json(packet.packet_id, now_s));
  StreamHub::publish(*d.topic, d.filtered);
  arm_flush();
}

void DeviceSession::on_unregister(const nlohmann::json& body) {
  if (!device_) throw InvalidArgument("no device is registered on this connection");
  if (const auto it = body.find("device_id"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>() != device_->info.device_id) {
      throw InvalidArgument("unregister names another device than '" + device_->info.device_id +
                            "'");
    }
  }
  end_device(true);
}

void DeviceSession::on_end() {
  if (device_) end_device(false);
}

void DeviceSession::arm_flush() {
  if (flush_armed_) return;
  flush_armed_ = true;
  flush_timer_.expires_after(state().options.store_flush_interval);
  flush_timer_.async_wait([self = std::static_pointer_cast<DeviceSession>(shared_from_this())](
                              const boost::system::error_code& ec) {
    self->flush_armed_ = false;
    if (!ec && self->device_) self->flush(false, false);
  });
}

// One chunk per channel holding every sample since the last flush.
void DeviceSession::flush(bool final, bool reply) {
  auto& d = *device_;
  ChunkBatch batch;
  const std::size_t samples = d.pending.empty() ? 0 : d.pending[0].size();
  if (samples != 0) {
    const std::int64_t chunk_start =
        store::sample_time_us(*d.start_us, d.samples_flushed, d.info.sample_rate_hz);
    for (std::size_t c = 0; c < d.pending.size(); ++c) {
      batch.rows.push_back({d.store_session_id, static_cast<std::int32_t>(c), chunk_start,
                            d.info.sample_rate_hz, std::move(d.pending[c])});
      d.pending[c] = {};
    }
    d.samples_flushed += samples;
  }
  batch.packets = d.pending_packets;
  d.pending_packets = 0;
  if (batch.rows.empty() && !final) return;

  auto stored = d.stored;
  const std::int64_t packets = batch.packets;
  if (!final) {
    batch.done = [stored, packets](bool ok) {
      if (ok) stored->fetch_add(packets);
    };
  } else {
    DeviceSessions* sessions = &state().device_sessions;
    const std::int64_t store_session_id = d.store_session_id;
    const std::string device_id = d.info.device_id;
    std::shared_ptr<DeviceSession> self;
    if (reply) self = std::static_pointer_cast<DeviceSession>(shared_from_this());
    batch.done = [stored, packets, sessions, store_session_id, device_id,
                  self = std::move(self)](bool ok) mutable {
      if (ok) stored->fetch_add(packets);
      const std::int64_t total = stored->load();
      try {
        sessions->close_device_session(store_session_id, total);
      } catch (const std::exception& e) {
        std::cerr << "ws: closing the session of device '" << device_id << "': " << e.what()
                  << "\n";
      }
      if (!self) return;
      // Hand the session back to its own executor: the writer thread must not hold the last
      // reference (the session's destructor may release the whole service state).
      auto executor = self->executor();
      boost::asio::post(executor, [self = std::move(self), device_id, total] {
        self->send(
            nlohmann::json{{"type", "unregistered"}, {"device_id", device_id}, {"packets", total}}
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      });
    };
  }
  state().writer.submit(std::move(batch));
}

void DeviceSession::end_device(bool reply) {
  auto& st = state();
  {
    std::lock_guard lock(st.devices_mutex);
    st.devices.erase(device_->info.device_id);
  }
  st.hub->close_device(device_->topic);
  flush_timer_.cancel();
  flush(true, reply);
  device_.reset();
}

}  // namespace neuro::server::ws
