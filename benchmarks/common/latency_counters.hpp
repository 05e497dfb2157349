// Latency percentiles as benchmark counters: a benchmark records each operation's latency into
// a LatencyHistogram (one per thread, merged) and publishes <prefix>_p50_ms, _p95_ms, _p99_ms and
// _max_ms. Counters are in milliseconds and lower is better; compare gates them when
// baselines/thresholds.yaml says so.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "engine/base/latency_histogram.hpp"

namespace neuro::bench {

inline void set_latency_counters(benchmark::State& state, const base::LatencyHistogram& histogram,
                                 const std::string& prefix) {
  constexpr double kNsPerMs = 1e6;
  const auto ms = [&](double p) {
    return static_cast<double>(histogram.percentile_ns(p)) / kNsPerMs;
  };
  state.counters[prefix + "_p50_ms"] = ms(50.0);
  state.counters[prefix + "_p95_ms"] = ms(95.0);
  state.counters[prefix + "_p99_ms"] = ms(99.0);
  state.counters[prefix + "_max_ms"] = static_cast<double>(histogram.max_ns()) / kNsPerMs;
}

}  // namespace neuro::bench
