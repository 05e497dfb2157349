// The numbers both renderers show for a step: percentiles recomputed from the buckets with
// engine/common's LatencyHistogram (never taken from the writer's summary), and error rates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "load/results/load_result.hpp"

namespace neuro::load_report {

struct Percentiles {
  std::int64_t p50 = 0, p90 = 0, p95 = 0, p99 = 0, p99_9 = 0, max = 0;  // ns
  double mean_ns = 0.0;
};

Percentiles percentiles_of(const load::SparseHistogram& data);

// A step's timed loops for the Flows tables: ("group", its passes) and ("poll", its loops),
// those it has, in that order.
std::vector<std::pair<const char*, const load::SparseHistogram*>> flow_loops(
    const load::StepResult& s);

// A ws: step's read lag p99 in ms ("0.012"), or "–" where no arrival stamp came (wss://, a
// result from before the lag was measured).
std::string read_lag_p99(const load::WsResult& w);

// 100 * errors / requests; 0 when there were no requests.
double error_rate_percent(std::int64_t errors, std::int64_t requests);

// A stress stage's p95 in ms: from its histogram when it has one, else the writer's p95_ms.
std::optional<double> stage_p95_ms(const load::StressStage& stage);
// A stress stage's error rate as text: "0.150 %" from errors / requests when both are there,
// else the writer's error_rate as written, else "".
std::string stage_error_rate(const load::StressStage& stage);

// A threshold's observed value or limit with its unit ("7.25 ms", bytes as "2.00 GB"); "n/a"
// when not observed.
std::string with_unit(const std::optional<double>& value, const std::string& unit);

}  // namespace neuro::load_report
