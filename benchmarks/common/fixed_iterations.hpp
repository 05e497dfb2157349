// Deterministic iteration counts for instruction counting: with NEURO_BENCH_ITERATIONS=N in the
// environment, every benchmark that applies this runs exactly N iterations (Google Benchmark
// 1.7 has no command-line flag for it), so scripts/bench-callgrind can subtract a 1-iteration
// run from an N-iteration run and get the instructions of one iteration, setup excluded.
#pragma once

#include <benchmark/benchmark.h>

namespace neuro::bench {

// Use as BENCHMARK(BM_X)->Apply(fixed_iterations_from_env); a no-op when the variable is unset.
void fixed_iterations_from_env(benchmark::internal::Benchmark* benchmark);

}  // namespace neuro::bench
