// How typed values are stored in Redis: strings as they are, JSON as its compact text, and
// float32 signal chunks as a 24-byte little-endian header (magic, shape, sample rate) followed
// by channels x samples little-endian floats, so a value of the wrong size, shape or kind is
// reported instead of being read as garbage.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/common/signal_block.hpp"

namespace neuro::cache {

// Chunk header, all little-endian:
//   bytes 0..3   magic "NPC1" (neuroperf chunk, version 1)
//   bytes 4..7   channels (uint32)
//   bytes 8..11  samples per channel (uint32)
//   bytes 12..15 reserved, 0
//   bytes 16..23 sample rate in Hz (float64)
// then channels * samples float32, channel-contiguous like SignalBlock.
inline constexpr std::string_view kChunkMagic = "NPC1";
inline constexpr std::size_t kChunkHeaderBytes = 24;

// Throws base::InvalidArgument for a block with no channels or samples, a sample rate that is
// not positive and finite, or a dimension above 2^32 - 1.
std::string encode_chunk(const common::SignalBlock& block);

// Throws base::InvalidArgument naming `key` when the bytes are not a chunk: too short for the
// header, wrong magic, a payload that is not exactly channels x samples x 4 bytes, or a bad
// sample rate. NaN and infinities inside the payload are data and come back bit for bit.
common::SignalBlock decode_chunk(std::string_view bytes, std::string_view key);

// Compact JSON text. Throws base::InvalidArgument naming `key` for invalid UTF-8 strings.
std::string encode_json(const nlohmann::json& value, std::string_view key);
// Throws base::InvalidArgument naming `key` when the bytes are not one JSON document.
nlohmann::json decode_json(std::string_view bytes, std::string_view key);

}  // namespace neuro::cache
