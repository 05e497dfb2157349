#include "engine/server/ws/packet_split.hpp"

#include <algorithm>

#include "engine/server/ws/messages.hpp"

namespace neuro::server::ws {

SplitFrames split_packet(std::string_view device, std::size_t samples_per_packet,
                         std::uint64_t& next_seq, double timestamp_s,
                         const common::SignalBlock& block, bool json, bool binary) {
  SplitFrames frames;
  frames.samples_per_packet = samples_per_packet;
  if (samples_per_packet == 0) return frames;
  const std::size_t parts = (block.samples() + samples_per_packet - 1) / samples_per_packet;
  if (json) frames.json.reserve(parts);
  if (binary) frames.binary.reserve(parts);
  for (std::size_t first = 0; first < block.samples(); first += samples_per_packet) {
    const std::size_t samples = std::min(samples_per_packet, block.samples() - first);
    common::SignalBlock part(block.channels(), samples, block.sample_rate_hz());
    for (std::size_t c = 0; c < block.channels(); ++c) {
      std::copy_n(block.channel(c).begin() + static_cast<std::ptrdiff_t>(first), samples,
                  part.channel(c).begin());
    }
    const std::uint64_t seq = next_seq++;
    if (json) {
      frames.json.push_back(
          std::make_shared<const std::string>(neural_data_json(device, seq, timestamp_s, part)));
    }
    if (binary) {
      frames.binary.push_back(
          std::make_shared<const std::string>(neural_data_binary(seq, timestamp_s, part)));
    }
  }
  return frames;
}

}  // namespace neuro::server::ws
