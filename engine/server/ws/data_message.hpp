// A device's `data` message read by simdjson, the path every packet of /ws/devices takes: about
// a tenth of the CPU of a nlohmann document (strtod per sample, a node per value) for the same
// DataPacket. Anything it does not accept as plainly valid it leaves to parse_client_message and
// parse_data, whose errors name the problem, so both paths answer alike.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/server/ws/messages.hpp"

namespace neuro::server::ws {

// The packet when `text` is a well-formed data message for `channels` channels (each key once, a
// non-empty string device_id, a finite number or null timestamp, a number or string packet_id,
// `data` an array of `channels` equal-length arrays of float32-range numbers, at most
// kMaxPacketValues values); nullopt for anything else, including other message types.
std::optional<DataPacket> parse_data_message(std::string_view text, std::size_t channels,
                                             double sample_rate_hz);

}  // namespace neuro::server::ws
