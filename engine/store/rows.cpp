#include "engine/store/rows.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

#include "engine/base/errors.hpp"

namespace neuro::store {

std::int64_t sample_time_us(std::int64_t start_us, std::size_t index, double rate_hz) {
  return start_us + std::llround(static_cast<double>(index) * 1e6 / rate_hz);
}

std::vector<SampleRow> rows_from_block(const common::SignalBlock& block, std::int64_t session_id,
                                       std::int64_t start_us) {
  std::vector<SampleRow> rows;
  rows.reserve(block.size());
  for (std::size_t s = 0; s < block.samples(); ++s) {
    const std::int64_t t = sample_time_us(start_us, s, block.sample_rate_hz());
    for (std::size_t c = 0; c < block.channels(); ++c) {
      rows.push_back({t, session_id, static_cast<std::int32_t>(c), block.at(c, s), {}});
    }
  }
  return rows;
}

std::vector<ChunkRow> chunks_from_block(const common::SignalBlock& block, std::int64_t session_id,
                                        std::int64_t start_us, std::size_t chunk_samples) {
  if (chunk_samples == 0) throw base::InvalidArgument("chunks_from_block: chunk_samples is 0");
  std::vector<ChunkRow> chunks;
  for (std::size_t c = 0; c < block.channels(); ++c) {
    const auto channel = block.channel(c);
    for (std::size_t s = 0; s < block.samples(); s += chunk_samples) {
      const std::size_t n = std::min(chunk_samples, block.samples() - s);
      chunks.push_back({session_id, static_cast<std::int32_t>(c),
                        sample_time_us(start_us, s, block.sample_rate_hz()), block.sample_rate_hz(),
                        std::vector<float>(channel.begin() + static_cast<std::ptrdiff_t>(s),
                                           channel.begin() + static_cast<std::ptrdiff_t>(s + n))});
    }
  }
  return chunks;
}

std::string format_timestamp(std::int64_t unix_us) {
  // Floor division so times before 1970 keep a positive microsecond part.
  std::int64_t seconds = unix_us / 1'000'000;
  std::int64_t micros = unix_us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return text;
}

std::string format_float(float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::string pack_samples(std::span<const float> samples) {
  static_assert(std::endian::native == std::endian::little, "chunks are stored little-endian");
  return std::string(reinterpret_cast<const char*>(samples.data()), samples.size_bytes());
}

std::vector<float> unpack_samples(std::string_view bytes) {
  if (bytes.size() % sizeof(float) != 0) {
    throw base::InvalidArgument("chunk samples: " + std::to_string(bytes.size()) +
                                " bytes is not a whole number of float32 values");
  }
  std::vector<float> samples(bytes.size() / sizeof(float));
  std::memcpy(samples.data(), bytes.data(), bytes.size());
  return samples;
}

}  // namespace neuro::store
