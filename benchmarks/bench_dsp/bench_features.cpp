// Spectral feature and connectivity benchmarks: Welch PSD, per-channel features (Welch + band
// powers + entropy + Hjorth + line length), band coherence and the correlation matrix, on
// synthetic EEG at 1 kHz with nperseg = 1000 (1 s segments, 1 Hz resolution: the common EEG
// choice, and the shape the ">= 8x scipy.signal.welch" goal is stated for).
#include <benchmark/benchmark.h>

#include <cstddef>

#include "benchmarks/bench_dsp/bench_data.hpp"
#include "engine/dsp/connectivity.hpp"
#include "engine/dsp/features.hpp"
#include "engine/dsp/welch.hpp"

namespace neuro::bench {
namespace {

constexpr std::size_t kNpersegSamples = 1000;

dsp::WelchOptions welch_options(int threads) {
  dsp::WelchOptions options;
  options.nperseg = kNpersegSamples;
  options.threads = threads;
  return options;
}

// One PSD computed before timing, so FFTW planning (done once per size per process, in the
// process-wide plan cache) never lands in a timed iteration.
void warm_up(const common::SignalBlock& block) {
  benchmark::DoNotOptimize(dsp::welch(block, welch_options(1)));
}

// Args: channels, samples (at 1 kHz), threads.
void BM_WelchFeatures(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  const auto& in = eeg_block(channels, samples);
  dsp::FeatureOptions options;
  options.welch = welch_options(static_cast<int>(state.range(2)));
  warm_up(in);
  for (auto _ : state) {
    auto features = dsp::compute_features(in, options);
    benchmark::DoNotOptimize(features.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_WelchFeatures)
    ->Args({32, 30000, 1})
    ->Args({32, 30000, 2})
    ->Args({64, 600000, 1})
    ->Args({64, 600000, 2})
    ->Apply(dsp_block_defaults);

// The PSD alone. Args: channels, samples (at 1 kHz), threads.
void BM_Welch(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  const auto& in = eeg_block(channels, samples);
  const auto options = welch_options(static_cast<int>(state.range(2)));
  warm_up(in);
  for (auto _ : state) {
    auto psd = dsp::welch(in, options);
    benchmark::DoNotOptimize(psd.density.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_Welch)->Args({32, 30000, 1})->Apply(dsp_block_defaults);

// Band-averaged coherence of every channel pair. Args: channels, samples (at 1 kHz), threads.
void BM_Coherence(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  const auto& in = eeg_block(channels, samples);
  dsp::CoherenceOptions options;
  options.welch = welch_options(static_cast<int>(state.range(2)));
  warm_up(in);
  for (auto _ : state) {
    auto coherence = dsp::band_coherence(in, options);
    benchmark::DoNotOptimize(coherence.matrices.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_Coherence)->Args({32, 30000, 1})->Args({32, 30000, 2})->Apply(dsp_block_defaults);

// Pearson correlation matrix (single-threaded by design). Args: channels, samples, threads (1).
void BM_Correlation(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  const auto& in = eeg_block(channels, samples);
  for (auto _ : state) {
    auto correlation = dsp::correlation_matrix(in);
    benchmark::DoNotOptimize(correlation.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_Correlation)->Args({32, 30000, 1})->Apply(dsp_block_defaults);

}  // namespace
}  // namespace neuro::bench
