// calibration/machine_speed: a fixed workload linked into every benchmark executable. Its code
// never changes with ours, so when its time changes between two runs the machine changed (CPU
// steal from neighbours on a shared VM, frequency, thermal state), not the code. With random
// interleaving its repetitions are spread over the whole run, and `neuroperf compare` divides
// the other benchmarks' times by its change (docs/compare.md, "Machine-speed calibration").
// The mix mirrors what our kernels do: a dependent integer chain (latency-bound ALU work) and
// multiply-adds streaming over an L2-sized buffer (throughput-bound SIMD work and cache reads).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "benchmarks/common/fixed_iterations.hpp"

namespace neuro::bench {
namespace {

constexpr std::size_t kFloats = std::size_t{64} * 1024;  // 256 KiB: resident in L2, not in L1
constexpr int kSweeps = 4;
constexpr std::uint64_t kChainSteps = 100'000;

std::uint64_t integer_chain(std::uint64_t x) {
  for (std::uint64_t i = 0; i < kChainSteps; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(x);
  }
  return x;
}

float multiply_add_sweeps(std::vector<float>& data) {
  float sum = 0.0f;
  for (int sweep = 0; sweep < kSweeps; ++sweep) {
    for (float& v : data) v = v * 0.999f + 0.001f;
    benchmark::ClobberMemory();
    sum += data[static_cast<std::size_t>(sweep) * 997 % data.size()];
  }
  return sum;
}

void BM_MachineSpeed(benchmark::State& state) {
  std::vector<float> data(kFloats, 1.0f);
  std::uint64_t seed = 1;
  for (auto _ : state) {
    seed = integer_chain(seed);
    benchmark::DoNotOptimize(multiply_add_sweeps(data));
  }
}
BENCHMARK(BM_MachineSpeed)->Name("calibration/machine_speed")->Apply(fixed_iterations_from_env);

// Every executable carries this file, so the context of every run says which Google Benchmark
// library measured it ("benchmark_library"), read by `neuroperf compare` (fingerprint.cpp).
const bool kLibraryInContext = [] {
  benchmark::AddCustomContext("benchmark_library", NEURO_BENCHMARK_LIBRARY);
  return true;
}();

}  // namespace
}  // namespace neuro::bench
