#include "engine/server/ws/stream_hub.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>

#include "engine/base/errors.hpp"
#include "engine/common/device_profiles.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/ws/messages.hpp"

namespace neuro::server::ws {

namespace {
constexpr auto kPacketPeriod = std::chrono::milliseconds(100);
constexpr double kPacketsPerSecond = 10.0;
constexpr double kSyntheticLoopSeconds = 10.0;  // the generator replays this much EEG
// A generator more than this far behind (a stalled thread) skips ahead instead of bursting.
constexpr auto kMaxLag = std::chrono::seconds(1);
}  // namespace

class StreamTopic {
 public:
  StreamTopic(std::string key, StreamInfo info) : key_(std::move(key)), info_(std::move(info)) {
    sum_squares_.assign(info_.channels, 0.0);
  }

  struct Entry {
    std::uint64_t id;
    std::weak_ptr<StreamSubscriber> subscriber;
    PacketForm form;
  };

  std::uint64_t add(std::weak_ptr<StreamSubscriber> subscriber, PacketForm form) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    entries_.push_back({id, std::move(subscriber), form});
    return id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const Entry& e) { return e.id == id; });
  }
  bool unused() const {
    std::lock_guard lock(mutex_);
    return entries_.empty();
  }

  struct Formats {
    bool json = false;
    bool binary = false;
  };
  struct Targets {
    std::vector<std::shared_ptr<StreamSubscriber>> subscribers;
    bool json = false;  // whole packets
    bool binary = false;
    std::map<std::size_t, Formats> splits;  // by samples_per_packet
  };
  Targets targets() const {
    Targets t;
    std::lock_guard lock(mutex_);
    t.subscribers.reserve(entries_.size());
    for (const auto& e : entries_) {
      if (auto s = e.subscriber.lock()) {
        t.subscribers.push_back(std::move(s));
        if (e.form.samples_per_packet == 0) {
          (e.form.binary ? t.binary : t.json) = true;
        } else {
          auto& formats = t.splits[e.form.samples_per_packet];
          (e.form.binary ? formats.binary : formats.json) = true;
        }
      }
    }
    return t;
  }

  const std::string& key() const { return key_; }
  const StreamInfo& info() const { return info_; }

  // Producer state: touched only by the one producer (the generator's timer handler, or the
  // device's session), so it needs no lock.
  std::uint64_t seq = 0;
  std::map<std::size_t, std::uint64_t> split_seq;  // each size's own count, while it is wanted
  std::uint64_t quality_seq = 0;
  std::vector<double> sum_squares_;
  std::size_t quality_samples = 0;
  // Synthetic generator.
  common::SignalBlock source;
  std::size_t cursor = 0;
  std::uint64_t packet_index = 0;
  std::chrono::steady_clock::time_point next_tick;

 private:
  std::string key_;
  StreamInfo info_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::uint64_t next_id_ = 1;
};

Subscription::~Subscription() { topic_->remove(id_); }

const StreamInfo& Subscription::info() const { return topic_->info(); }

std::unique_ptr<Subscription> StreamHub::subscribe_synthetic(
    const std::string& profile_name, std::weak_ptr<StreamSubscriber> subscriber, PacketForm form,
    const boost::asio::any_io_executor& executor) {
  const auto& profile = common::find_device_profile(profile_name);
  const std::string key = "synthetic:" + std::string(profile.name);
  std::lock_guard lock(mutex_);
  if (stopping_) throw base::InvalidArgument("the server is shutting down");
  auto& topic = topics_[key];
  const bool fresh = !topic;
  if (fresh) {
    topic =
        std::make_shared<StreamTopic>(key, StreamInfo{"synthetic", std::string(profile.name),
                                                      profile.channels, profile.sample_rate_hz});
    topic->source = common::make_synthetic_eeg(common::options_for(profile, kSyntheticLoopSeconds));
  }
  const auto id = topic->add(std::move(subscriber), form);
  if (fresh) start_generator(topic, executor);
  return std::make_unique<Subscription>(topic, id);
}

std::unique_ptr<Subscription> StreamHub::subscribe_device(
    const std::string& device_id, std::weak_ptr<StreamSubscriber> subscriber, PacketForm form) {
  std::lock_guard lock(mutex_);
  const auto it = topics_.find("device:" + device_id);
  if (it == topics_.end()) {
    throw base::InvalidArgument("device '" + device_id + "' is not registered");
  }
  const auto id = it->second->add(std::move(subscriber), form);
  return std::make_unique<Subscription>(it->second, id);
}

std::optional<std::string> StreamHub::latest_device() const {
  std::lock_guard lock(mutex_);
  if (device_order_.empty()) return std::nullopt;
  return device_order_.back();
}

std::shared_ptr<StreamTopic> StreamHub::open_device(const std::string& device_id,
                                                    std::size_t channels, double sample_rate_hz) {
  const std::string key = "device:" + device_id;
  std::lock_guard lock(mutex_);
  auto& topic = topics_[key];
  if (topic) throw base::InvalidArgument("device '" + device_id + "' is already registered");
  topic =
      std::make_shared<StreamTopic>(key, StreamInfo{"device", device_id, channels, sample_rate_hz});
  device_order_.push_back(device_id);
  return topic;
}

void StreamHub::close_device(const std::shared_ptr<StreamTopic>& topic) {
  {
    std::lock_guard lock(mutex_);
    const auto it = topics_.find(topic->key());
    if (it != topics_.end() && it->second == topic) topics_.erase(it);
    std::erase(device_order_, topic->info().name);
  }
  auto targets = topic->targets();
  if (targets.subscribers.empty()) return;
  auto packet = std::make_shared<HubPacket>();
  packet->kind = HubPacket::Kind::kEnded;
  packet->topic = topic.get();
  packet->json = std::make_shared<const std::string>(
      nlohmann::json{{"type", "stream_ended"}, {"device", topic->info().name}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace));
  for (auto& s : targets.subscribers) s->deliver(packet);
}

void StreamHub::publish(StreamTopic& topic, const common::SignalBlock& block) {
  const double now_s = epoch_seconds_now();
  const std::uint64_t seq = topic.seq++;
  auto targets = topic.targets();
  // A size nobody asks for any more forgets its count (a later subscriber starts it again at 0).
  std::erase_if(topic.split_seq, [&](const auto& s) { return !targets.splits.contains(s.first); });
  if (!targets.subscribers.empty()) {
    auto packet = std::make_shared<HubPacket>();
    packet->topic = &topic;
    if (targets.json) {
      packet->json = std::make_shared<const std::string>(
          neural_data_json(topic.info().name, seq, now_s, block));
    }
    if (targets.binary) {
      packet->binary = std::make_shared<const std::string>(neural_data_binary(seq, now_s, block));
    }
    for (const auto& [size, formats] : targets.splits) {
      packet->splits.push_back(split_packet(topic.info().name, size, topic.split_seq[size], now_s,
                                            block, formats.json, formats.binary));
    }
    for (auto& s : targets.subscribers) s->deliver(packet);
  }
  // Signal quality: RMS per channel over (about) the last second.
  const std::size_t channels = std::min(block.channels(), topic.sum_squares_.size());
  for (std::size_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (const float v : block.channel(c)) sum += static_cast<double>(v) * v;
    topic.sum_squares_[c] += sum;
  }
  topic.quality_samples += block.samples();
  if (static_cast<double>(topic.quality_samples) + 0.5 < topic.info().sample_rate_hz) return;
  std::vector<double> rms(topic.sum_squares_.size());
  for (std::size_t c = 0; c < rms.size(); ++c) {
    rms[c] = std::sqrt(topic.sum_squares_[c] / static_cast<double>(topic.quality_samples));
  }
  std::fill(topic.sum_squares_.begin(), topic.sum_squares_.end(), 0.0);
  topic.quality_samples = 0;
  const std::uint64_t quality_seq = topic.quality_seq++;
  if (targets.subscribers.empty()) return;
  auto packet = std::make_shared<HubPacket>();
  packet->kind = HubPacket::Kind::kQuality;
  packet->topic = &topic;
  packet->json = std::make_shared<const std::string>(
      signal_quality_json(topic.info().name, quality_seq, now_s, rms));
  for (auto& s : targets.subscribers) s->deliver(packet);
}

void StreamHub::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
}

void StreamHub::remove_if_unused(const std::shared_ptr<StreamTopic>& topic) {
  // Under the hub's lock, so no subscribe can find the topic between the check and the erase.
  const auto it = topics_.find(topic->key());
  if (it != topics_.end() && it->second == topic) topics_.erase(it);
}

namespace {

// The timer belongs to the pending handler chain, not to the topic (which the hub's map also
// holds): so it never outlives its io_context, whose destruction drops the pending handler.
using Timer = std::shared_ptr<boost::asio::steady_timer>;
void tick(const std::shared_ptr<StreamTopic>& topic, const std::weak_ptr<StreamHub>& weak_hub,
          bool (*should_stop)(StreamHub&, const std::shared_ptr<StreamTopic>&), const Timer& timer);

}  // namespace

// Synthetic packets at the device's rate: packet k carries floor((k+1) r / 10) - floor(k r / 10)
// samples, so rates that are not multiples of 10 (128 Hz) still average out exactly. Ticks are
// scheduled on a fixed grid (start + k * 100 ms), so the rate does not drift with handler time.
void StreamHub::start_generator(const std::shared_ptr<StreamTopic>& topic,
                                const boost::asio::any_io_executor& executor) {
  auto timer = std::make_shared<boost::asio::steady_timer>(executor);
  topic->next_tick = std::chrono::steady_clock::now();
  auto should_stop = [](StreamHub& hub, const std::shared_ptr<StreamTopic>& t) {
    std::lock_guard lock(hub.mutex_);
    if (hub.stopping_ || t->unused()) {
      hub.remove_if_unused(t);
      return true;
    }
    return false;
  };
  std::weak_ptr<StreamHub> weak = weak_from_this();
  boost::asio::post(executor,
                    [topic, weak, should_stop, timer] { tick(topic, weak, should_stop, timer); });
}

namespace {

void tick(const std::shared_ptr<StreamTopic>& topic, const std::weak_ptr<StreamHub>& weak_hub,
          bool (*should_stop)(StreamHub&, const std::shared_ptr<StreamTopic>&),
          const Timer& timer) {
  const auto hub = weak_hub.lock();
  if (!hub || should_stop(*hub, topic)) return;
  const auto& info = topic->info();
  const double per_packet = info.sample_rate_hz / kPacketsPerSecond;
  const auto k = static_cast<double>(topic->packet_index++);
  const auto samples =
      static_cast<std::size_t>(std::floor((k + 1) * per_packet) - std::floor(k * per_packet));
  common::SignalBlock block(info.channels, samples, info.sample_rate_hz);
  const std::size_t length = topic->source.samples();
  for (std::size_t c = 0; c < info.channels; ++c) {
    const float* from = topic->source.channel(c).data();
    float* to = block.channel(c).data();
    for (std::size_t s = 0; s < samples; ++s) to[s] = from[(topic->cursor + s) % length];
  }
  topic->cursor = (topic->cursor + samples) % length;
  StreamHub::publish(*topic, block);

  const auto now = std::chrono::steady_clock::now();
  topic->next_tick += kPacketPeriod;
  if (topic->next_tick + kMaxLag < now) topic->next_tick = now;
  timer->expires_at(topic->next_tick);
  timer->async_wait([topic, weak_hub, should_stop, timer](const boost::system::error_code& ec) {
    if (!ec) tick(topic, weak_hub, should_stop, timer);
  });
}

}  // namespace

}  // namespace neuro::server::ws
