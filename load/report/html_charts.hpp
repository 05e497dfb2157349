// The charts of the HTML report, built from a result: latency percentiles, throughput, errors,
// users, host and target CPU, memory and network, each over time.
#pragma once

#include <vector>

#include "load/report/svg_chart.hpp"
#include "load/results/load_result.hpp"

namespace neuro::load_report {

// Charts with ids latency, throughput (requests completed), arrivals (iterations begun beside
// an open model's intended rate; documents with neither have none), errors, users (closed model
// only), websocket (runs with ws: steps: messages received and sent), cpu, memory, network (the
// last three only when resources were sampled). Values: ms, req/s, iterations/s, errors/s,
// users, msg/s, %, MB, kB/s.
std::vector<Chart> build_charts(const load::LoadResult& result);

}  // namespace neuro::load_report
