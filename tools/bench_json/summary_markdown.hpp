// Renders benchmark results as the suite's summary.md: one table per executable with the
// benchmark, its time and its counters (throughput with units, latency percentiles).
#pragma once

#include <string>
#include <vector>

#include "tools/bench_json/benchmark_json.hpp"

namespace neuro::bench_json {

// With repetitions, a benchmark's row shows its median aggregate; otherwise its one run.
std::string render_summary_markdown(const std::vector<BenchmarkFile>& files);

// 532800000 -> "532.8 M"; used for counters ending in _per_second.
std::string si_format(double value);

}  // namespace neuro::bench_json
