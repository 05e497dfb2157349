// BM_ArtifactRemoval/{channels}/{samples}/{threads}: remove_artifacts on synthetic EEG.
// The kernel cleans in place, so each iteration first restores the pristine input with the
// timer paused: the copy (~0.3 ms for 32 x 30000, ~50 ms for 64 x 600000) is not part of the
// operation, and a pause costs well under a microsecond against an operation of milliseconds.
// The restored block is cache-warm, as a block just received or filtered would be.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "benchmarks/bench_dsp/bench_data.hpp"
#include "engine/dsp/artifacts.hpp"

namespace {

void BM_ArtifactRemoval(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  neuro::dsp::ArtifactOptions options;
  options.threads = static_cast<int>(state.range(2));
  const auto& pristine = neuro::bench::eeg_block(channels, samples);
  auto work = pristine;

  for (auto _ : state) {
    state.PauseTiming();
    std::copy(pristine.data(), pristine.data() + pristine.size(), work.data());
    state.ResumeTiming();
    auto report = neuro::dsp::remove_artifacts(work, options);
    benchmark::DoNotOptimize(report);
    benchmark::DoNotOptimize(work.data());
    benchmark::ClobberMemory();
  }
  neuro::bench::set_dsp_counters(state, channels, samples);
}

BENCHMARK(BM_ArtifactRemoval)
    ->Args({32, 30000, 1})
    ->Args({32, 30000, 2})
    ->Args({64, 600000, 1})
    ->Args({64, 600000, 2})
    ->Apply(neuro::bench::dsp_block_defaults);

}  // namespace
