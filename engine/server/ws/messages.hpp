// The JSON (and binary) messages of /ws/stream and /ws/devices: the server's pushes and replies
// serialised by hand (floats in their shortest round-trip form, so a packet stays small), and the
// clients' messages parsed with nlohmann::json into checked structs.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/signal_block.hpp"

namespace neuro::server::ws {

// A packet pushed to subscribers holds at most this many values, so that even its longest JSON
// form (about 16 bytes per value) stays well under 1 MiB, the usual client message limit.
inline constexpr std::size_t kMaxPacketValues = 32'768;
inline constexpr std::size_t kMaxChannels = 1'024;

// Seconds since the Unix epoch with microseconds, from the system clock.
double epoch_seconds_now();
// "1796000000.123456": fixed six decimals, so the microseconds survive any JSON reader.
std::string format_epoch_seconds(double seconds);

// {"type":"neural_data","timestamp","seq","device","channels","sample_rate","samples","data"}
std::string neural_data_json(std::string_view device, std::uint64_t seq, double timestamp_s,
                             const common::SignalBlock& block);

// Binary neural_data frame, little-endian: "NPD1", u32 channels, u32 samples, u32 0, u64 seq,
// f64 timestamp (epoch seconds), f64 sample_rate, then channels x samples float32, channel-major.
inline constexpr std::size_t kBinaryHeaderBytes = 40;
std::string neural_data_binary(std::uint64_t seq, double timestamp_s,
                               const common::SignalBlock& block);

// {"type":"signal_quality","timestamp","seq","device","channels","rms_uv":[..],"quality":[..]}
// quality per channel: "flat" (rms < 0.5 uV), "good" (<= 100 uV), "noisy" (<= 300 uV), "bad".
std::string signal_quality_json(std::string_view device, std::uint64_t seq, double timestamp_s,
                                std::span<const double> rms_uv);
const char* quality_label(double rms_uv);

std::string error_json(std::string_view message);
std::string ack_json(const nlohmann::json& packet_id, double server_time_s);

// A client message: its "type" and the parsed object. Throws InvalidArgument naming the problem
// ("invalid JSON at byte 12", "field 'type' must be a string").
// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept move reads as throwing to tidy 14
struct ClientMessage {
  std::string type;
  nlohmann::json body;
};
ClientMessage parse_client_message(std::string_view text);

// /ws/stream's subscribe. `channels` lists the message kinds wanted (default: both).
struct SubscribeRequest {
  bool neural_data = true;
  bool signal_quality = true;
  bool binary = false;
  std::optional<std::string> device_id;  // follow this live device
  std::optional<std::string> profile;    // or this synthetic device profile
  // 0: each packet whole (a tenth of a second); else messages of at most this many samples.
  std::size_t samples_per_packet = 0;
};

// No packet holds more samples than values (a larger size is whole packets).
inline constexpr std::size_t kMaxSamplesPerPacket = kMaxPacketValues;
SubscribeRequest parse_subscribe(const nlohmann::json& body);

// /ws/devices' register.
struct RegisterRequest {
  std::string device_id;
  std::string device_type;
  int channels = 0;
  double sample_rate_hz = 0.0;
};
RegisterRequest parse_register(const nlohmann::json& body);

// /ws/devices' data: `data` is channels x samples (one array per channel) and must match the
// registered channel count.
// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept move reads as throwing to tidy 14
struct DataPacket {
  std::string device_id;
  std::optional<double> timestamp_s;
  nlohmann::json packet_id;  // echoed as sent (number or string); null when absent
  common::SignalBlock block;
};
DataPacket parse_data(const nlohmann::json& body, std::size_t channels, double sample_rate_hz);

// A string field, or throws InvalidArgument("field 'name' must be a string").
std::string string_field(const nlohmann::json& body, const char* name);

}  // namespace neuro::server::ws
