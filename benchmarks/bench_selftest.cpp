// bench_selftest: a benchmark with a known amount of work and a knob that adds a known share
// more (NEURO_SELFTEST_EXTRA_WORK_PERCENT), so the regression gate can be tested end to end:
// +25 % must be flagged in wall-clock mode, +3 % in instruction-count mode, 0 % never.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>

#include "benchmarks/common/fixed_iterations.hpp"

namespace neuro::bench {
namespace {

// A dependent chain of integer multiply-adds: no memory traffic, no vectorisation, so the work
// scales exactly with the step count.
std::uint64_t chain(std::uint64_t steps, std::uint64_t seed) {
  std::uint64_t x = seed;
  for (std::uint64_t i = 0; i < steps; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(x);
  }
  return x;
}

void BM_SelfTestWork(benchmark::State& state) {
  const char* knob = std::getenv("NEURO_SELFTEST_EXTRA_WORK_PERCENT");
  const double extra_percent = knob ? std::atof(knob) : 0.0;
  const auto steps = static_cast<std::uint64_t>(200000.0 * (1.0 + extra_percent / 100.0));
  std::uint64_t seed = 1;
  for (auto _ : state) seed = chain(steps, seed);
  state.counters["steps_per_second"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SelfTestWork)->Apply(fixed_iterations_from_env);

}  // namespace
}  // namespace neuro::bench
