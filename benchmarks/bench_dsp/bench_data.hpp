// Inputs for bench_dsp: synthetic EEG blocks made once per shape (outside every timed loop) and
// shared by the benchmarks of one run, plus the counters every DSP benchmark reports.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>

#include "engine/common/signal_block.hpp"

namespace neuro::bench {

// A deterministic synthetic EEG block (seed 1) of this shape; built on first use, then reused.
const common::SignalBlock& eeg_block(std::size_t channels, std::size_t samples,
                                     double sample_rate_hz = 1000.0);

// What every block benchmark of bench_dsp shares: milliseconds, wall-clock time (threaded cases
// would otherwise report the main thread's CPU time), and NEURO_BENCH_ITERATIONS support.
void dsp_block_defaults(benchmark::internal::Benchmark* benchmark);

// samples_per_second (channels x samples per second) and bytes_per_second (float32 input).
void set_dsp_counters(benchmark::State& state, std::size_t channels, std::size_t samples);

}  // namespace neuro::bench
