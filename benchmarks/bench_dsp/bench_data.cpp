#include "benchmarks/bench_dsp/bench_data.hpp"

#include <map>
#include <mutex>
#include <tuple>

#include "benchmarks/common/fixed_iterations.hpp"
#include "engine/common/synthetic_eeg.hpp"

namespace neuro::bench {

const common::SignalBlock& eeg_block(std::size_t channels, std::size_t samples,
                                     double sample_rate_hz) {
  // A cache, not state: a block is a pure function of its key. The 64 x 600 s block is 154 MB
  // and takes a second to make, so it is made once per run rather than once per benchmark.
  static std::mutex mutex;
  static std::map<std::tuple<std::size_t, std::size_t, double>, common::SignalBlock> cache;
  const std::lock_guard lock(mutex);
  const auto key = std::make_tuple(channels, samples, sample_rate_hz);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const double duration_s = static_cast<double>(samples) / sample_rate_hz;
    it = cache.emplace(key, common::make_synthetic_eeg(channels, sample_rate_hz, duration_s)).first;
  }
  return it->second;
}

void dsp_block_defaults(benchmark::internal::Benchmark* benchmark) {
  benchmark->Unit(benchmark::kMillisecond)->UseRealTime();
  fixed_iterations_from_env(benchmark);
}

void set_dsp_counters(benchmark::State& state, std::size_t channels, std::size_t samples) {
  const auto per_iteration = static_cast<double>(channels * samples);
  state.counters["samples_per_second"] =
      benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(channels * samples * sizeof(float)));
}

}  // namespace neuro::bench
