// A stream packet cut into messages of at most `samples_per_packet` samples each, for the
// subscribers that asked for smaller frames (down to one sample per message, as sample-by-sample
// protocols send). Every message of a packet carries the packet's timestamp (when it was made) and
// the next numbers of the split stream's own `seq`, so a subscriber still sees a gap-free count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/server/ws/send_queue.hpp"

namespace neuro::server::ws {

struct SplitFrames {
  std::size_t samples_per_packet = 0;
  Frames json;    // empty when no subscriber wants JSON
  Frames binary;  // empty when none wants binary
};

// Cuts `block` into ceil(samples / samples_per_packet) messages, the last one carrying the rest;
// `next_seq` numbers them and is advanced past them. Serialises only the formats asked for.
SplitFrames split_packet(std::string_view device, std::size_t samples_per_packet,
                         std::uint64_t& next_seq, double timestamp_s,
                         const common::SignalBlock& block, bool json, bool binary);

}  // namespace neuro::server::ws
