#include "engine/cache/value_codec.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "engine/base/errors.hpp"

namespace neuro::cache {
namespace {

using base::InvalidArgument;

constexpr bool kLittleEndian = std::endian::native == std::endian::little;

template <typename T>
void put_le(char* out, T value) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  auto bits = std::bit_cast<U>(value);
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    out[i] = static_cast<char>(bits & 0xffu);
    bits >>= 8;
  }
}

template <typename T>
T get_le(const char* in) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U bits = 0;
  for (std::size_t i = sizeof(U); i-- > 0;) {
    bits = (bits << 8) | static_cast<unsigned char>(in[i]);
  }
  return std::bit_cast<T>(bits);
}

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

}  // namespace

std::string encode_chunk(const common::SignalBlock& block) {
  constexpr auto kMaxDim = std::numeric_limits<std::uint32_t>::max();
  if (block.channels() == 0 || block.samples() == 0) {
    throw InvalidArgument("float32 chunk: the block is empty (" + std::to_string(block.channels()) +
                          " channels x " + std::to_string(block.samples()) + " samples)");
  }
  if (block.channels() > kMaxDim || block.samples() > kMaxDim) {
    throw InvalidArgument("float32 chunk: channels and samples must each be < 2^32");
  }
  if (!(block.sample_rate_hz() > 0.0) || !std::isfinite(block.sample_rate_hz())) {
    throw InvalidArgument("float32 chunk: sample rate must be positive and finite");
  }
  std::string out(kChunkHeaderBytes + block.size_bytes(), '\0');
  std::memcpy(out.data(), kChunkMagic.data(), kChunkMagic.size());
  put_le(out.data() + 4, static_cast<std::uint32_t>(block.channels()));
  put_le(out.data() + 8, static_cast<std::uint32_t>(block.samples()));
  put_le(out.data() + 16, block.sample_rate_hz());
  char* payload = out.data() + kChunkHeaderBytes;
  if constexpr (kLittleEndian) {
    std::memcpy(payload, block.data(), block.size_bytes());
  } else {
    for (std::size_t i = 0; i < block.size(); ++i) put_le(payload + 4 * i, block.data()[i]);
  }
  return out;
}

common::SignalBlock decode_chunk(std::string_view bytes, std::string_view key) {
  if (bytes.size() < kChunkHeaderBytes) {
    throw InvalidArgument("value of " + quoted(key) + " is " + std::to_string(bytes.size()) +
                          " bytes, shorter than the " + std::to_string(kChunkHeaderBytes) +
                          "-byte float32 chunk header");
  }
  if (bytes.substr(0, 4) != kChunkMagic) {
    throw InvalidArgument("value of " + quoted(key) +
                          " is not a float32 chunk (no 'NPC1' magic at byte 0)");
  }
  const auto channels = get_le<std::uint32_t>(bytes.data() + 4);
  const auto samples = get_le<std::uint32_t>(bytes.data() + 8);
  const auto rate_hz = get_le<double>(bytes.data() + 16);
  // Both factors are below 2^32, so the product fits in 64 bits; the payload size is compared
  // in floats, never multiplied up to bytes, so nothing can overflow.
  const std::uint64_t values = std::uint64_t{channels} * samples;
  const std::size_t payload_bytes = bytes.size() - kChunkHeaderBytes;
  if (values == 0 || payload_bytes % 4 != 0 || payload_bytes / 4 != values) {
    throw InvalidArgument("value of " + quoted(key) + " has a header for " +
                          std::to_string(channels) + " channels x " + std::to_string(samples) +
                          " samples but carries " + std::to_string(payload_bytes) +
                          " payload bytes (expected " + std::to_string(values) + " x 4)");
  }
  if (!(rate_hz > 0.0) || !std::isfinite(rate_hz)) {
    throw InvalidArgument("value of " + quoted(key) +
                          " has a sample rate that is not positive and finite");
  }
  common::SignalBlock block(channels, samples, rate_hz);
  const char* payload = bytes.data() + kChunkHeaderBytes;
  if constexpr (kLittleEndian) {
    std::memcpy(block.data(), payload, payload_bytes);
  } else {
    for (std::size_t i = 0; i < block.size(); ++i) block.data()[i] = get_le<float>(payload + 4 * i);
  }
  return block;
}

std::string encode_json(const nlohmann::json& value, std::string_view key) {
  try {
    return value.dump();
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument("JSON value for " + quoted(key) + ": " + e.what());
  }
}

nlohmann::json decode_json(std::string_view bytes, std::string_view key) {
  auto value = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    throw InvalidArgument("value of " + quoted(key) + " (" + std::to_string(bytes.size()) +
                          " bytes) is not valid JSON");
  }
  return value;
}

}  // namespace neuro::cache
