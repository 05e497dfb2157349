// What every bench_cache benchmark shares: the value sets users cache (1,000 keys each of strings,
// JSON documents and 8 x 1,000 float32 chunks, plus 32-byte values for the redis-benchmark
// comparison), a connection that turns a down server into SkipWithError, and latency
// histograms merged across the benchmark's client threads.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/latency_histogram.hpp"
#include "engine/cache/connection.hpp"
#include "engine/common/signal_block.hpp"

namespace neuro::bench {

enum class ValueType { kString, kJson, kChunk, kValue32 };

const char* type_name(ValueType type);

// One value set: keys bench:<type>:<i> and their values, both typed and encoded. Keys and
// encoded values are repeated past the end (key_count + 100 entries) so that any window of up
// to 100 consecutive entries is one contiguous span.
struct ValueSet {
  ValueType type;
  std::size_t key_count = 0;
  std::vector<std::string> keys;
  std::vector<std::string> encoded;
  std::vector<std::string> strings;         // kString, kValue32
  std::vector<nlohmann::json> documents;    // kJson
  std::vector<common::SignalBlock> chunks;  // kChunk
  double mean_encoded_bytes = 0.0;
};

inline constexpr std::size_t kMaxDepth = 100;

// 1,000 keys (50 under NEUROPERF_BENCH_SMOKE=1), built once per process and type.
const ValueSet& value_set(ValueType type);

// Opens a connection to NEUROPERF_REDIS_URL, or calls SkipWithError("service unavailable: ...")
// and returns nothing. A malformed URL is reported as an error of its own (not a skip).
std::optional<cache::Connection> connect_or_skip(benchmark::State& state);

// Stores value_set(type) with a 10-minute expiry unless its keys are there for at least 5 more
// minutes, so GET benchmarks find their keys and nothing outlives the run for long. Throws
// base::Error.
void ensure_stored(cache::Connection& connection, const ValueSet& values);

// Per-thread latency histograms merged into one; thread 0 publishes latency_p50_ms, _p95_ms,
// _p99_ms and _max_ms once every thread has contributed (other threads publish none, so the
// counters Google Benchmark sums over threads stay those of the merged histogram).
void publish_latency(benchmark::State& state, const base::LatencyHistogram& histogram);

// Common settings: client threads (1 and 30 unless given), manual time (our clock measures
// each pipeline round trip; setup and refills are outside it), microseconds, depth argument.
void cache_defaults(benchmark::internal::Benchmark* benchmark, const std::vector<int>& depths,
                    const std::vector<int>& clients);

// ops_per_second and bytes_per_second for this thread (Google Benchmark sums threads).
void set_cache_counters(benchmark::State& state, std::size_t ops, double bytes);

}  // namespace neuro::bench
