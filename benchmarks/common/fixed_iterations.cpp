#include "benchmarks/common/fixed_iterations.hpp"

#include <cstdio>
#include <cstdlib>

namespace neuro::bench {

void fixed_iterations_from_env(benchmark::internal::Benchmark* benchmark) {
  const char* value = std::getenv("NEURO_BENCH_ITERATIONS");
  if (value == nullptr || *value == '\0') return;
  char* end = nullptr;
  const long long n = std::strtoll(value, &end, 10);
  if (*end != '\0' || n < 1) {
    std::fprintf(stderr, "NEURO_BENCH_ITERATIONS: expected a positive integer, got '%s'\n", value);
    std::exit(2);
  }
  benchmark->Iterations(static_cast<benchmark::IterationCount>(n));
}

}  // namespace neuro::bench
