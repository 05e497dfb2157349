// Throughput in the shape of `redis-benchmark -P 16 -c 50 -t get,set -d 32`: 50 connections
// driven by one thread (cache::Multiplexer), each with 16 pipelined commands in flight, 32-byte
// values over 1,000 keys. scripts/anchors/redis_benchmark.sh runs both against the same server
// and prints the ratio. Unlike redis-benchmark's SET, ours carries an expiry (PX 60000), as
// every write of the suite does, so nothing outlives the run; that costs us, not them.
#include <benchmark/benchmark.h>

#include <optional>
#include <string>
#include <vector>

#include "benchmarks/bench_cache/cache_fixture.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/errors.hpp"
#include "engine/cache/multiplexer.hpp"
#include "engine/cache/redis_url.hpp"

namespace neuro::bench {
namespace {

// Windows per connection per iteration: enough that ramp-up and drain at the iteration's edges
// (connections idle while the last windows finish) stay a few percent of the time.
constexpr std::size_t kWindowsPerIteration = 32;

// Args: clients (connections), depth (commands in flight per connection).
void BM_CacheMultiplexed(benchmark::State& state, bool write) {
  const ValueSet& values = value_set(ValueType::kValue32);
  const auto clients = static_cast<std::size_t>(state.range(0));
  const auto depth = static_cast<std::size_t>(state.range(1));
  std::optional<cache::Multiplexer> multiplexer;
  try {
    const cache::RedisUrl url = cache::redis_url_from_env();
    std::vector<cache::Connection> connections;
    for (std::size_t i = 0; i < clients; ++i) {
      connections.push_back(
          cache::Connection::open(url, {.connect_timeout_ms = 2000, .command_timeout_ms = 10000}));
    }
    if (!write) ensure_stored(connections.front(), values);
    multiplexer.emplace(std::move(connections));
  } catch (const base::InvalidArgument& e) {
    state.SkipWithError(e.what());
  } catch (const base::Error& e) {
    state.SkipWithError((std::string("service unavailable: ") + e.what()).c_str());
  }
  // Commands formatted once, as redis-benchmark does. SET writes keys of its own so that the
  // GET fixture keeps its longer expiry.
  std::vector<std::string> commands;
  for (std::size_t i = 0; i < values.key_count; ++i) {
    const std::string set_key = "bench:set:value32:" + std::to_string(i);
    commands.push_back(
        write ? cache::format_command({"SET", set_key, values.encoded[i], "PX", "60000"})
              : cache::format_command({"GET", values.keys[i]}));
  }
  const auto append = [&](cache::Connection& connection, std::size_t op) {
    connection.append_formatted(commands[op % values.key_count]);
  };
  const auto check = [&](const cache::Reply& reply, std::size_t) {
    return write ? reply.is_status() : reply.is_string();
  };
  base::LatencyHistogram latency;
  std::size_t ops = 0;
  std::size_t failed = 0;
  for (auto _ : state) {
    try {
      const auto result =
          multiplexer->run(clients * depth * kWindowsPerIteration, depth, append, check);
      ops += result.completed;
      failed += result.failed;
      latency.merge(result.window_latency);
    } catch (const base::Error& e) {
      state.SkipWithError((std::string("service unavailable: ") + e.what()).c_str());
      break;
    }
  }
  if (failed > 0) {
    state.SkipWithError((std::to_string(failed) + " of " + std::to_string(ops) +
                         (write ? " SET" : " GET") + " replies were errors or missing keys")
                            .c_str());
  }
  set_latency_counters(state, latency, "latency");
  set_cache_counters(state, ops, values.mean_encoded_bytes * static_cast<double>(ops));
}

void multiplexed_defaults(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"clients", "depth"})
      ->Args({50, 16})
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  fixed_iterations_from_env(benchmark);
}

BENCHMARK_CAPTURE(BM_CacheMultiplexed, get, false)->Apply(multiplexed_defaults);
BENCHMARK_CAPTURE(BM_CacheMultiplexed, set, true)->Apply(multiplexed_defaults);

}  // namespace
}  // namespace neuro::bench
