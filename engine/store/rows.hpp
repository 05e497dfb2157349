// The rows the store writes: one sample per row (the narrow table clients write) and one packed
// chunk per session, channel and time span (the engine's layout), made from a SignalBlock, plus the
// exact text forms of their values for SQL literals.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/common/signal_block.hpp"

namespace neuro::store {

// Times are microseconds since the Unix epoch, UTC (timestamptz has microsecond resolution).
struct SampleRow {
  std::int64_t time_us = 0;
  std::int64_t session_id = 0;
  std::int32_t channel = 0;
  float value = 0.0f;
  std::string metadata;  // jsonb text; empty means SQL NULL
};

struct ChunkRow {
  std::int64_t session_id = 0;
  std::int32_t channel = 0;
  std::int64_t chunk_start_us = 0;
  double sample_rate_hz = 0.0;
  std::vector<float> samples;  // stored as bytea, float32 little-endian
};

// Time of sample `index` at `rate_hz` after start_us, rounded to the microsecond.
std::int64_t sample_time_us(std::int64_t start_us, std::size_t index, double rate_hz);

// Every sample of the block, ordered by time then channel (as an acquisition loop emits them).
std::vector<SampleRow> rows_from_block(const common::SignalBlock& block, std::int64_t session_id,
                                       std::int64_t start_us);

// The block cut into chunks of chunk_samples per channel (the last may be shorter), ordered by
// channel then time. Throws InvalidArgument for chunk_samples 0.
std::vector<ChunkRow> chunks_from_block(const common::SignalBlock& block, std::int64_t session_id,
                                        std::int64_t start_us, std::size_t chunk_samples);

// "2026-01-01 00:00:00.000250+00": a timestamptz literal that reads back to the same microsecond.
std::string format_timestamp(std::int64_t unix_us);

// A float4 literal that reads back bit for bit: shortest round-trip digits, NaN, Infinity,
// -Infinity, and -0 kept.
std::string format_float(float value);

// Little-endian float32 bytes (the bytea payload of ChunkRow::samples) and back. Throws
// InvalidArgument when `bytes` is not a whole number of floats.
std::string pack_samples(std::span<const float> samples);
std::vector<float> unpack_samples(std::string_view bytes);

}  // namespace neuro::store
