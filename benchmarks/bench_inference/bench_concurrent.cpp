// 10 concurrent callers, each sending single windows back to back (closed loop), either each
// calling the model directly or through the micro-batcher (max batch 64, max wait 2 ms).
// Throughput is requests (windows) per wall-clock second; latency is per request, recorded per
// caller and merged. Manual time: an iteration is every caller finishing its requests.
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/bench_inference/inference_data.hpp"
#include "engine/ml/batched_model.hpp"
#include "engine/ml/model.hpp"

namespace neuro::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Args: callers, batched (0/1), libtorch threads.
void BM_Concurrent(benchmark::State& state, const std::string& name) {
  const auto& model = model_named(name);
  const auto callers = static_cast<int>(state.range(0));
  const bool batched = state.range(1) != 0;
  ml::set_threads(static_cast<int>(state.range(2)));
  const int per_caller = smoke() ? 2 : 20;
  // One window per request, each caller its own: rows of one input batch.
  const auto inputs = model_input(model, static_cast<std::int64_t>(callers) * per_caller, 7);
  model.warm_up({1, 8, 16, 32, 64});
  std::unique_ptr<ml::BatchedModel> batcher;
  if (batched) {
    batcher = std::make_unique<ml::BatchedModel>(
        model, ml::MicroBatcherOptions{.max_batch = 64, .max_wait = std::chrono::milliseconds(2)});
  }
  std::vector<base::LatencyHistogram> latency(static_cast<std::size_t>(callers));
  for (auto _ : state) {
    std::latch start(callers + 1);
    std::vector<std::thread> threads;
    for (int c = 0; c < callers; ++c) {
      threads.emplace_back([&, c] {
        start.arrive_and_wait();
        for (int i = 0; i < per_caller; ++i) {
          const auto row = inputs[c * per_caller + i];
          const auto t0 = Clock::now();
          at::Tensor out = batched ? batcher->submit(row).get() : model.predict(row.unsqueeze(0));
          benchmark::DoNotOptimize(out.data_ptr<float>());
          latency[static_cast<std::size_t>(c)].record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
        }
      });
    }
    const auto t0 = Clock::now();
    start.arrive_and_wait();
    for (auto& t : threads) t.join();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  base::LatencyHistogram merged;
  for (const auto& h : latency) merged.merge(h);
  set_inference_counters(state, static_cast<double>(state.iterations()) * callers * per_caller,
                         merged);
  if (batcher) {
    const auto stats = batcher->stats();
    state.counters["mean_batch"] = static_cast<double>(stats.requests) /
                                   static_cast<double>(std::max<std::size_t>(stats.batches, 1));
  }
}

void concurrent_args(benchmark::internal::Benchmark* b) {
  b->Args({10, 0, 1})->Args({10, 0, 2})->Args({10, 1, 1})->Args({10, 1, 2});
  b->ArgNames({"callers", "batched", "threads"})->Unit(benchmark::kMillisecond)->UseManualTime();
}

}  // namespace

void register_concurrent_benchmarks() {
  benchmark::RegisterBenchmark("BM_ConcurrentMovementDecoder", BM_Concurrent,
                               std::string("movement_decoder"))
      ->Apply(concurrent_args);
  benchmark::RegisterBenchmark("BM_ConcurrentEmotionClassifier", BM_Concurrent,
                               std::string("emotion_classifier"))
      ->Apply(concurrent_args);
}

}  // namespace neuro::bench
