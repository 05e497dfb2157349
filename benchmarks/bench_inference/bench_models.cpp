// One model call per iteration at batch 1-64 on 1 and 2 libtorch threads: the time per
// iteration is the per-batch latency; samples_per_second counts examples (windows) per second.
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "benchmarks/bench_inference/inference_data.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "engine/ml/model.hpp"

namespace neuro::bench {

// Args: batch, threads.
void BM_Model(benchmark::State& state, const std::string& name) {
  const auto& model = model_named(name);
  const auto batch = state.range(0);
  ml::set_threads(static_cast<int>(state.range(1)));
  const auto input = model_input(model, batch);
  model.warm_up({batch});
  base::LatencyHistogram latency;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto out = model.predict(input);
    benchmark::DoNotOptimize(out.data_ptr<float>());
    latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count());
  }
  set_inference_counters(state, static_cast<double>(state.iterations() * batch), latency);
}

void model_args(benchmark::internal::Benchmark* b) {
  for (const int threads : {1, 2}) {
    for (const int batch : {1, 8, 16, 32, 64}) b->Args({batch, threads});
  }
  b->ArgNames({"batch", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
  fixed_iterations_from_env(b);
}

// Registered by name so the TorchScript one can join only when a file is given.
void register_model_benchmarks(bool with_user_model) {
  const std::pair<const char*, const char*> all[] = {
      {"BM_MovementDecoder", "movement_decoder"},
      {"BM_MovementDecoderFast", "movement_decoder_fast"},
      {"BM_EmotionClassifier", "emotion_classifier"},
      {"BM_TorchScript", "torchscript"},
  };
  for (const auto& [bench, model] : all) {
    if (std::string(model) == "torchscript" && !with_user_model) continue;
    benchmark::RegisterBenchmark(bench, BM_Model, std::string(model))->Apply(model_args);
  }
}

}  // namespace neuro::bench
