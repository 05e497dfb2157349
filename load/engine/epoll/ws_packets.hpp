// The synthetic EEG a ws: step sends, packet by packet: a 10 s synthetic recording of the
// step's channels and rate (engine/common/synthetic_eeg) replayed in a loop, its samples
// formatted once, so a packet is a copy of text (JSON arrays) or of float32 (binary).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/scenario/ws_step.hpp"

namespace neuro::load {

class WsPackets {
 public:
  WsPackets(const WsEeg& eeg, double every_s);

  // Samples per channel in packet `k`: floor((k+1) r e) - floor(k r e), an exact rate.
  std::int64_t samples_in(std::int64_t k) const;
  // Packet k as JSON arrays, one per channel: [[c0...],[c1...]].
  void append_json(std::string& out, std::int64_t k) const;
  // Packet k as channel-major little-endian float32.
  void append_binary(std::string& out, std::int64_t k) const;

 private:
  std::int64_t first_sample(std::int64_t k) const;

  std::size_t channels_ = 0;
  std::size_t length_ = 0;         // samples per channel in the loop
  double per_packet_ = 0;          // rate * every
  std::vector<float> samples_;     // channel-major, length_ per channel
  std::vector<std::string> text_;  // the same samples, formatted
};

}  // namespace neuro::load
