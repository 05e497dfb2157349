#include "benchmarks/bench_cache/cache_fixture.hpp"

#include <condition_variable>
#include <cstdlib>
#include <map>
#include <memory>

#include "benchmarks/common/fixed_iterations.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/errors.hpp"
#include "engine/cache/commands.hpp"
#include "engine/cache/redis_url.hpp"
#include "engine/cache/value_codec.hpp"
#include "engine/common/synthetic_eeg.hpp"

namespace neuro::bench {
namespace {

constexpr std::size_t kSpecKeys = 1000;
constexpr std::size_t kSmokeKeys = 50;
constexpr cache::ExpiryMs kStoredExpiryMs =
    cache::ExpiryMs{10} * 60 * 1000;  // outlives a run, then vanishes

bool smoke() {
  const char* value = std::getenv("NEUROPERF_BENCH_SMOKE");
  return value != nullptr && *value != '\0' && *value != '0';
}

// A session's metadata, the kind of document the engine caches (~350 bytes encoded).
nlohmann::json session_document(std::size_t i) {
  static const char* const kChannels[] = {"Fp1", "Fp2", "C3", "C4", "P3", "P4", "O1", "O2"};
  nlohmann::json channels = nlohmann::json::array();
  for (const char* name : kChannels) channels.push_back(name);
  return {
      {"session_id", i},
      {"patient_id", "P-" + std::to_string(100000 + i)},
      {"device", {{"model", "OpenBCI Cyton"}, {"serial", 7000 + i % 97}}},
      {"sample_rate_hz", 250},
      {"channels", channels},
      {"started_at", "2026-11-23T11:" + std::to_string(10 + i % 50) + ":00Z"},
      {"quality", {{"impedance_kohm", 4.5 + static_cast<double>(i % 10)}, {"artifacts", i % 7}}},
      {"tags", {"baseline", "eyes-closed"}}};
}

std::unique_ptr<ValueSet> make_value_set(ValueType type) {
  auto set = std::make_unique<ValueSet>();
  set->type = type;
  set->key_count = smoke() ? kSmokeKeys : kSpecKeys;
  const std::string prefix = std::string("bench:") + type_name(type) + ":";
  for (std::size_t i = 0; i < set->key_count; ++i) {
    set->keys.push_back(prefix + std::to_string(i));
    switch (type) {
      case ValueType::kString: {
        std::string text = "session-" + std::to_string(i) + "-token:";
        text.resize(100, static_cast<char>('a' + i % 26));  // 100-byte strings
        set->strings.push_back(text);
        set->encoded.push_back(text);
        break;
      }
      case ValueType::kValue32: {
        std::string text = std::to_string(i);
        text.resize(32, 'x');  // redis-benchmark -d 32
        set->strings.push_back(text);
        set->encoded.push_back(text);
        break;
      }
      case ValueType::kJson:
        set->documents.push_back(session_document(i));
        set->encoded.push_back(cache::encode_json(set->documents.back(), set->keys.back()));
        break;
      case ValueType::kChunk:
        // 8 channels x 1,000 samples (one second of an 8-channel headset at 1 kHz); a distinct
        // block per key.
        set->chunks.push_back(common::make_synthetic_eeg(8, 250.0, 4.0, 1 + i));
        set->encoded.push_back(cache::encode_chunk(set->chunks.back()));
        break;
    }
  }
  double total = 0.0;
  for (const auto& e : set->encoded) total += static_cast<double>(e.size());
  set->mean_encoded_bytes = total / static_cast<double>(set->key_count);
  for (std::size_t i = 0; i < kMaxDepth; ++i) {
    set->keys.push_back(set->keys[i]);
    set->encoded.push_back(set->encoded[i]);
  }
  return set;
}

}  // namespace

const char* type_name(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kJson:
      return "json";
    case ValueType::kChunk:
      return "chunk";
    case ValueType::kValue32:
      return "value32";
  }
  return "unknown";
}

const ValueSet& value_set(ValueType type) {
  // A cache, not state: a value set is a pure function of its type (and the smoke flag).
  static std::mutex mutex;
  static std::map<ValueType, std::unique_ptr<ValueSet>> sets;
  const std::lock_guard lock(mutex);
  auto& set = sets[type];
  if (!set) set = make_value_set(type);
  return *set;
}

std::optional<cache::Connection> connect_or_skip(benchmark::State& state) {
  try {
    return cache::Connection::open(cache::redis_url_from_env(),
                                   {.connect_timeout_ms = 2000, .command_timeout_ms = 10000});
  } catch (const base::InvalidArgument& e) {
    state.SkipWithError(e.what());
  } catch (const base::Error& e) {
    state.SkipWithError((std::string("service unavailable: ") + e.what()).c_str());
  }
  return std::nullopt;
}

void ensure_stored(cache::Connection& connection, const ValueSet& values) {
  // Stored again unless every key will outlive a long benchmark (all expire together).
  constexpr std::int64_t kMinRemainingMs = kStoredExpiryMs / 2;
  const auto first = cache::ttl_ms(connection, values.keys.front());
  const auto last = cache::ttl_ms(connection, values.keys[values.key_count - 1]);
  if (first && last && *first > kMinRemainingMs && *last > kMinRemainingMs) return;
  std::vector<cache::KeyValue> items;
  for (std::size_t i = 0; i < values.key_count; ++i) {
    items.push_back({values.keys[i], values.encoded[i]});
  }
  cache::multi_set(connection, items, kStoredExpiryMs, kMaxDepth);
}

void publish_latency(benchmark::State& state, const base::LatencyHistogram& histogram) {
  // Shared by the threads of one benchmark run only: runs never overlap, and thread 0 resets it
  // after every other thread has merged (they merge after their timed loop, before joining).
  static std::mutex mutex;
  static std::condition_variable merged_all;
  static base::LatencyHistogram merged;
  static int contributions = 0;
  std::unique_lock lock(mutex);
  merged.merge(histogram);
  ++contributions;
  merged_all.notify_all();
  if (state.thread_index() != 0) return;
  merged_all.wait(lock, [&] { return contributions == state.threads(); });
  set_latency_counters(state, merged, "latency");
  merged.reset();
  contributions = 0;
}

void cache_defaults(benchmark::internal::Benchmark* benchmark, const std::vector<int>& depths,
                    const std::vector<int>& clients) {
  benchmark->ArgName("depth");
  for (int depth : depths) benchmark->Arg(depth);
  for (int threads : clients) benchmark->Threads(threads);
  benchmark->UseManualTime()->Unit(benchmark::kMicrosecond);
  fixed_iterations_from_env(benchmark);
}

void set_cache_counters(benchmark::State& state, std::size_t ops, double bytes) {
  state.counters["ops_per_second"] =
      benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
  state.counters["bytes_per_second"] = benchmark::Counter(bytes, benchmark::Counter::kIsRate);
}

}  // namespace neuro::bench
