// A `ws:` step: one WebSocket session per device of a user (path, headers, subprotocol), the
// messages it sends (once at open, on a schedule such as one synthetic EEG packet per 100 ms,
// before closing), how long or until what it receives, and what it measures on the messages
// it receives (latency from a timestamp field or to the reply of a sent packet, sequence gaps).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load/scenario/step_flow.hpp"

namespace neuro::load {

// Why a scenario with ws: steps cannot ask for HTTP/2 (in the file or with --http2).
inline constexpr const char* kWsOverHttp2 =
    "ws: steps open WebSocket sessions with HTTP/1.1 upgrades (ws://, or wss:// on an https:// "
    "target); WebSocket over HTTP/2 (RFC 8441) is another protocol and not supported: drop "
    "http: 2 (--http2) or move the ws: steps to a scenario of their own";

// Synthetic EEG sent packet by packet: packet k of a device carries
// floor((k+1) * rate * every) - floor(k * rate * every) samples per channel, so the rate is exact.
struct WsEeg {
  std::string profile;  // a device profile's name when taken from one, else empty
  int channels = 8;
  double sample_rate_hz = 250;
  bool binary = false;  // a binary frame of channel-major float32, else ${eeg} in the message
  std::uint64_t seed = 1;
};

struct WsStep {
  std::string subprotocol;  // empty: none asked for
  // Concurrent sessions per user: user u opens devices_min + u % (devices_max - devices_min + 1).
  int devices_min = 1, devices_max = 1;
  std::vector<std::string> on_open;  // text messages sent once the session is open (templates)
  // The schedule: every `every_s` (0: none) one message, `message` (a template; ${packet} the
  // packet's index, ${device} the device's, ${eeg} the packet's samples as JSON arrays), or
  // the packet's float32 bytes when eeg.binary.
  double every_s = 0;
  // aligned: a session's packet k leaves at open + k x every, so a user's devices send at the
  // same instant. spread: each session's schedule starts later by its own fraction of `every`
  // (session n = user x devices_max + device: frac(n x 0.618...) x every, evenly spread over
  // the period and the same from run to run), as independent devices' clocks are; its receive
  // lasts as long from there.
  bool phase_spread = false;
  std::string message;
  // One entry, or the device profiles devices take in turn: device d of user u streams
  // eeg[(u + d) % size] (${profile}, ${channels}, ${rate} name it in the messages).
  std::vector<WsEeg> eeg;
  std::int64_t max_packets = 0;  // 0: until the receive ends
  // Receiving: for `duration_s`, or until a message holds `until` (then `duration_s` is the
  // most it waits, and not seeing it is an error).
  double duration_s = 0;
  std::optional<JsonCondition> until;
  // The text messages measured (all when absent): e.g. {json: type, equals: neural_data};
  // binary frames are always measured.
  std::optional<JsonCondition> match;
  std::string latency_from;  // a field of epoch seconds: latency = client receipt - its value
  std::string reply_to;      // a field echoed by the reply: latency = reply - send
  std::string seq_field;     // a counter without gaps: misses counted as gaps
  // Before closing: messages to send, then optionally wait for a message holding close_until.
  std::vector<std::string> on_close;
  std::optional<JsonCondition> close_until;
  double close_wait_s = 5;
  std::size_t max_message_bytes = 16 << 20;

  std::size_t eeg_for(std::int64_t user, std::uint32_t device) const {
    return eeg.empty() ? 0 : static_cast<std::size_t>(user + device) % eeg.size();
  }
  // How much later than its open a session's schedule starts (0 unless phase_spread).
  std::int64_t phase_ns(std::int64_t user, std::uint32_t device) const {
    if (!phase_spread || every_s <= 0) return 0;
    constexpr double kGoldenFraction = 0.6180339887498949;
    const auto n = static_cast<double>(user * devices_max + device);
    return static_cast<std::int64_t>(std::fmod(n * kGoldenFraction, 1.0) * every_s * 1e9);
  }
  int devices_for(std::int64_t user) const {
    const int span = devices_max - devices_min + 1;
    return devices_min + static_cast<int>(user % span);
  }
};

}  // namespace neuro::load
