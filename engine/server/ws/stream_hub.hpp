// The streams /ws/stream subscribers follow: one per synthetic device profile (a generator on a
// steady_timer, started by the first subscriber and stopped with the last) and one per live
// device registered on /ws/devices. Each packet is serialised once per format (and per
// samples_per_packet size) someone asked for, and the same bytes are handed to every subscriber.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/server/ws/packet_split.hpp"

namespace neuro::server::ws {

class StreamTopic;

struct HubPacket {
  enum class Kind { kData, kQuality, kEnded };
  Kind kind = Kind::kData;
  const StreamTopic* topic = nullptr;       // where it comes from (a subscriber may have moved on)
  std::shared_ptr<const std::string> json;  // null when no subscriber wants JSON
  std::shared_ptr<const std::string> binary;  // null when no subscriber wants binary
  std::vector<SplitFrames> splits;  // the packet cut smaller, one entry per size asked for

  const SplitFrames* split(std::size_t samples_per_packet) const {
    for (const auto& s : splits) {
      if (s.samples_per_packet == samples_per_packet) return &s;
    }
    return nullptr;
  }
};

// How a subscriber takes a stream's data packets.
struct PacketForm {
  bool binary = false;
  std::size_t samples_per_packet = 0;  // 0: whole packets, as made; else at most this many each
};

// A subscriber receives packets on the producer's thread and must hand them to its own
// executor (deliver() must not block).
class StreamSubscriber {
 public:
  virtual ~StreamSubscriber() = default;
  virtual void deliver(std::shared_ptr<const HubPacket> packet) = 0;
};

struct StreamInfo {
  std::string source;  // "synthetic" or "device"
  std::string name;    // profile name or device id
  std::size_t channels = 0;
  double sample_rate_hz = 0.0;
};

// Unsubscribes when destroyed (from any thread).
class Subscription {
 public:
  Subscription(std::shared_ptr<StreamTopic> topic, std::uint64_t id)
      : topic_(std::move(topic)), id_(id) {}
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  const StreamInfo& info() const;
  const StreamTopic* topic() const noexcept { return topic_.get(); }

 private:
  std::shared_ptr<StreamTopic> topic_;
  std::uint64_t id_;
};

class StreamHub : public std::enable_shared_from_this<StreamHub> {
 public:
  StreamHub() = default;

  // Follows the synthetic stream of `profile` (throws InvalidArgument for an unknown one); the
  // generator starts on `executor` when this is the profile's first subscriber.
  std::unique_ptr<Subscription> subscribe_synthetic(const std::string& profile,
                                                    std::weak_ptr<StreamSubscriber> subscriber,
                                                    PacketForm form,
                                                    const boost::asio::any_io_executor& executor);
  // Follows a live device; throws InvalidArgument when it is not registered.
  std::unique_ptr<Subscription> subscribe_device(const std::string& device_id,
                                                 std::weak_ptr<StreamSubscriber> subscriber,
                                                 PacketForm form);
  // The device registered last that is still live, if any.
  std::optional<std::string> latest_device() const;

  // A live device's topic: created at `register`, fed by its session, ended at `unregister`.
  std::shared_ptr<StreamTopic> open_device(const std::string& device_id, std::size_t channels,
                                           double sample_rate_hz);
  void close_device(const std::shared_ptr<StreamTopic>& topic);
  // Pushes one (filtered) packet of a device to its subscribers; cheap when there are none.
  static void publish(StreamTopic& topic, const common::SignalBlock& packet);

  // Generators stop at their next tick.
  void stop();

 private:
  friend class StreamTopic;
  void start_generator(const std::shared_ptr<StreamTopic>& topic,
                       const boost::asio::any_io_executor& executor);
  void remove_if_unused(const std::shared_ptr<StreamTopic>& topic);

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<StreamTopic>> topics_;  // "synthetic:x", "device:y"
  std::vector<std::string> device_order_;                       // registration order
  bool stopping_ = false;
};

}  // namespace neuro::server::ws
