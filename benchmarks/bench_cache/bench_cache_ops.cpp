// The cache operations users measure, per value type (strings, JSON, 8 x 1,000 float32 chunks):
// typed GET, SET with expiry and DEL, at pipeline depth 1, 10 and 100 (depth 10 is the usual
// client's 10-key pipeline), with 1 and 30 concurrent clients (one connection and thread each). One
// iteration is one round trip of `depth` commands, timed by our clock; its latency goes into
// the histogram. Values are encoded (SET) or decoded (GET) inside the timed region, as the
// engine would. (bench_cache_throughput.cpp has the redis-benchmark-shaped load.)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "benchmarks/bench_cache/cache_fixture.hpp"
#include "engine/base/errors.hpp"
#include "engine/cache/commands.hpp"
#include "engine/cache/value_codec.hpp"

namespace neuro::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr cache::ExpiryMs kWriteExpiryMs = 60'000;

// Runs the timed loop: `round_trip()` does one pipeline window and returns how many operations
// it completed correctly (anything else is an error). Errors from a server that went away skip
// the benchmark; bad data or a wrong count is reported as an error.
template <typename RoundTrip, typename Refill>
void timed_loop(benchmark::State& state, std::size_t depth, double bytes_per_op,
                RoundTrip round_trip, Refill refill) {
  base::LatencyHistogram histogram;
  std::size_t ops = 0;
  for (auto _ : state) {
    try {
      refill();
      const auto start = Clock::now();
      const std::size_t done = round_trip();
      const auto stop = Clock::now();
      state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
      histogram.record(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
      if (done != depth) {
        state.SkipWithError(("expected " + std::to_string(depth) + " operations to succeed, " +
                             std::to_string(done) + " did")
                                .c_str());
        break;
      }
      ops += done;
    } catch (const base::InvalidArgument& e) {
      state.SkipWithError(e.what());
      break;
    } catch (const base::Error& e) {
      state.SkipWithError((std::string("service unavailable: ") + e.what()).c_str());
      break;
    }
  }
  publish_latency(state, histogram);
  set_cache_counters(state, ops, bytes_per_op * static_cast<double>(ops));
}

// Where this thread starts in the key set: threads spread over the keys.
std::size_t first_key(const benchmark::State& state, const ValueSet& values) {
  return static_cast<std::size_t>(state.thread_index()) * 37 % values.key_count;
}

void BM_CacheGet(benchmark::State& state, ValueType type) {
  const ValueSet& values = value_set(type);
  const auto depth = static_cast<std::size_t>(state.range(0));
  auto connection = connect_or_skip(state);
  if (connection && state.thread_index() == 0) {
    try {
      ensure_stored(*connection, values);  // the other threads wait at the loop's start
    } catch (const base::Error& e) {
      state.SkipWithError((std::string("service unavailable: ") + e.what()).c_str());
    }
  }
  std::size_t next = first_key(state, values);
  const auto get_one = [&](const std::string& key) -> bool {
    switch (type) {
      case ValueType::kJson: {
        auto document = cache::get_json(*connection, key);
        benchmark::DoNotOptimize(document);
        return document.has_value();
      }
      case ValueType::kChunk: {
        auto block = cache::get_chunk(*connection, key);
        benchmark::DoNotOptimize(block);
        return block.has_value();
      }
      default: {
        auto text = cache::get_string(*connection, key);
        benchmark::DoNotOptimize(text);
        return text.has_value();
      }
    }
  };
  const auto round_trip = [&]() -> std::size_t {
    std::size_t found = 0;
    if (depth == 1) {
      found = get_one(values.keys[next]) ? 1 : 0;
    } else {
      auto replies =
          cache::multi_get(*connection, std::span(values.keys.data() + next, depth), depth);
      for (std::size_t i = 0; i < depth; ++i) {
        if (!replies[i]) continue;
        ++found;
        if (type == ValueType::kJson) {
          benchmark::DoNotOptimize(cache::decode_json(*replies[i], values.keys[next + i]));
        } else if (type == ValueType::kChunk) {
          benchmark::DoNotOptimize(cache::decode_chunk(*replies[i], values.keys[next + i]));
        }
      }
      benchmark::DoNotOptimize(replies);
    }
    next = (next + depth) % values.key_count;
    return found;
  };
  timed_loop(state, depth, values.mean_encoded_bytes, round_trip, [] {});
}

// The encoded value of key i of a value set, encoded now (what a typed SET costs).
std::string encode(const ValueSet& values, std::size_t i) {
  const std::size_t k = i % values.key_count;
  switch (values.type) {
    case ValueType::kJson:
      return cache::encode_json(values.documents[k], values.keys[k]);
    case ValueType::kChunk:
      return cache::encode_chunk(values.chunks[k]);
    default:
      return values.strings[k];
  }
}

void BM_CacheSet(benchmark::State& state, ValueType type) {
  const ValueSet& values = value_set(type);
  const auto depth = static_cast<std::size_t>(state.range(0));
  auto connection = connect_or_skip(state);
  std::size_t next = first_key(state, values);
  std::vector<cache::KeyValue> batch(depth);
  // Keys of their own (bench:set:<type>:<i>): overwriting the GET fixture with a shorter expiry
  // would make a later GET benchmark find keys missing.
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < values.key_count + kMaxDepth; ++i) {
    keys.push_back(std::string("bench:set:") + type_name(type) + ":" +
                   std::to_string(i % values.key_count));
  }
  const auto round_trip = [&]() -> std::size_t {
    if (depth == 1) {
      const std::size_t k = next;
      switch (type) {
        case ValueType::kJson:
          cache::set_json(*connection, keys[k], values.documents[k], kWriteExpiryMs);
          break;
        case ValueType::kChunk:
          cache::set_chunk(*connection, keys[k], values.chunks[k], kWriteExpiryMs);
          break;
        default:
          cache::set_string(*connection, keys[k], values.strings[k], kWriteExpiryMs);
      }
    } else {
      for (std::size_t i = 0; i < depth; ++i) {
        batch[i].key = keys[next + i];
        batch[i].value = encode(values, next + i);
      }
      cache::multi_set(*connection, batch, kWriteExpiryMs, depth);
    }
    next = (next + depth) % values.key_count;
    return depth;  // multi_set throws unless every reply is OK
  };
  timed_loop(state, depth, values.mean_encoded_bytes, round_trip, [] {});
}

// Each thread deletes keys of its own (bench:del:<type>:<thread>:<i>), stored again outside the
// timed region whenever all are gone; a DEL that finds no key counts as a failure.
void BM_CacheDelete(benchmark::State& state, ValueType type) {
  const ValueSet& values = value_set(type);
  const auto depth = static_cast<std::size_t>(state.range(0));
  auto connection = connect_or_skip(state);
  const std::size_t share =
      std::max(depth, values.key_count / static_cast<std::size_t>(state.threads()));
  const std::size_t own_count = (share + depth - 1) / depth * depth;
  std::vector<std::string> keys;
  std::vector<cache::KeyValue> items;
  const std::string prefix = std::string("bench:del:") + type_name(type) + ":" +
                             std::to_string(state.thread_index()) + ":";
  for (std::size_t i = 0; i < own_count; ++i) {
    keys.push_back(prefix + std::to_string(i));
    items.push_back({keys.back(), values.encoded[i % values.key_count]});
  }
  std::size_t next = own_count;  // all gone: the first iteration stores them
  const auto refill = [&] {
    if (next < own_count) return;
    cache::multi_set(*connection, items, kWriteExpiryMs, kMaxDepth);
    next = 0;
  };
  const auto round_trip = [&]() -> std::size_t {
    std::size_t removed = 0;
    if (depth == 1) {
      removed = cache::remove(*connection, keys[next]) ? 1 : 0;
    } else {
      removed = cache::multi_remove(*connection, std::span(keys.data() + next, depth), depth);
    }
    next += depth;
    return removed;
  };
  timed_loop(state, depth, values.mean_encoded_bytes, round_trip, refill);
  if (connection && !connection->broken() && next < own_count) {
    try {
      cache::multi_remove(*connection, std::span(keys).subspan(next), kMaxDepth);
    } catch (const base::Error&) {
      // Leftovers expire within a minute anyway.
    }
  }
}

const int kRegistered = [] {
  constexpr ValueType kSpecTypes[] = {ValueType::kString, ValueType::kJson, ValueType::kChunk};
  for (ValueType type : kSpecTypes) {
    const std::string suffix = std::string("/") + type_name(type);
    cache_defaults(
        benchmark::RegisterBenchmark(("BM_CacheGet" + suffix).c_str(), BM_CacheGet, type),
        {1, 10, 100}, {1, 30});
    cache_defaults(
        benchmark::RegisterBenchmark(("BM_CacheSet" + suffix).c_str(), BM_CacheSet, type),
        {1, 10, 100}, {1, 30});
    cache_defaults(
        benchmark::RegisterBenchmark(("BM_CacheDelete" + suffix).c_str(), BM_CacheDelete, type),
        {1, 10, 100}, {1, 30});
  }
  return 0;
}();

}  // namespace
}  // namespace neuro::bench
