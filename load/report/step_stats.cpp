#include "load/report/step_stats.hpp"

#include "load/report/text_format.hpp"

namespace neuro::load_report {

Percentiles percentiles_of(const load::SparseHistogram& data) {
  const base::LatencyHistogram h = data.to_histogram();
  Percentiles p;
  p.p50 = h.percentile_ns(50.0);
  p.p90 = h.percentile_ns(90.0);
  p.p95 = h.percentile_ns(95.0);
  p.p99 = h.percentile_ns(99.0);
  p.p99_9 = h.percentile_ns(99.9);
  p.max = h.max_ns();
  p.mean_ns = data.mean_ns();
  return p;
}

std::string read_lag_p99(const load::WsResult& w) {
  if (w.read_lag.count == 0) return "–";
  return ms(percentiles_of(w.read_lag).p99);
}

double error_rate_percent(std::int64_t errors, std::int64_t requests) {
  return requests > 0 ? 100.0 * static_cast<double>(errors) / static_cast<double>(requests) : 0.0;
}

std::optional<double> stage_p95_ms(const load::StressStage& stage) {
  if (stage.latency && stage.latency->count > 0) {
    return static_cast<double>(stage.latency->to_histogram().percentile_ns(95.0)) / 1e6;
  }
  return stage.p95_ms;
}

std::string stage_error_rate(const load::StressStage& stage) {
  if (stage.requests && stage.errors) {
    return fixed(error_rate_percent(*stage.errors, *stage.requests), 3) + " %";
  }
  return stage.error_rate ? compact(*stage.error_rate) : std::string();
}

std::string with_unit(const std::optional<double>& value, const std::string& unit) {
  if (!value) return "n/a";
  if (unit == "bytes") return bytes(*value);
  return unit.empty() ? compact(*value) : compact(*value) + " " + unit;
}

std::vector<std::pair<const char*, const load::SparseHistogram*>> flow_loops(
    const load::StepResult& s) {
  std::vector<std::pair<const char*, const load::SparseHistogram*>> out;
  if (s.group) out.emplace_back("group", &s.group->latency);
  if (s.poll) out.emplace_back("poll", &s.poll->latency);
  return out;
}

}  // namespace neuro::load_report
