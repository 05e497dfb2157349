// The whole per-block chain (filter -> artifacts -> features) at the block sizes of the DSP
// benchmarks (32 x 30 s, 64 x 600 s).
#include <benchmark/benchmark.h>

#include "benchmarks/bench_dsp/bench_data.hpp"
#include "engine/dsp/pipeline.hpp"

namespace neuro::bench {
namespace {

// Args: channels, samples (at 1 kHz), threads.
void BM_Pipeline(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  dsp::PipelineOptions options;
  options.threads = static_cast<int>(state.range(2));
  const dsp::Pipeline pipeline(options, 1000.0);
  const auto& in = eeg_block(channels, samples);
  dsp::PipelineResult result;
  // One untimed block first, as the engine's block after block reuses its result buffers: at
  // 64 x 600,000 a 300 ms iteration runs once per repetition, and without this each repetition
  // timed the first touch of a fresh 154 MB buffer, which on these VMs takes 0-400 ms more
  // (repetitions of the same build split into two modes, 280 and 500-750 ms).
  pipeline.run(in, result);
  for (auto _ : state) {
    pipeline.run(in, result);
    benchmark::DoNotOptimize(result.features.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_Pipeline)
    ->Args({32, 30000, 1})
    ->Args({32, 30000, 2})
    ->Args({64, 600000, 1})
    ->Args({64, 600000, 2})
    ->Apply(dsp_block_defaults);

}  // namespace
}  // namespace neuro::bench
