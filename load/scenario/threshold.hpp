// Success criteria of a run, written as `METRIC OP VALUE` (`p95 < 200ms`, `error_rate < 0.1%`,
// `rps > 100`, `target_cpu < 80%`, `target_rss < 2GB`, `checks > 99%` (the share of `check:`
// conditions that held), `poll_max < 60s` (polling steps' total times), `group_max < 2m`
// (groups' total times), `ws_p99 < 5ms`, `gaps == 0`, `ws_msgs_in > 1000` (ws: steps'
// messages)), and their verdicts.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace neuro::load {

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual };

// Limits are held in the metric's base unit: latency ms, error_rate and cpu percent, rps
// requests per second, rss bytes.
struct Threshold {
  std::string expression;
  std::string
      metric;  // p50 p90 p95 p99 p99.9 max mean error_rate rps target_cpu target_rss host_cpu
  Comparison comparison = Comparison::kLess;
  double limit = 0;
  bool passes(double observed) const;
  // Upper bounds can be judged before the run ends (abort_on_fail); lower bounds (rps) cannot.
  // `gaps == 0` too: counts only grow.
  bool upper_bound() const {
    return comparison == Comparison::kLess || comparison == Comparison::kLessEqual ||
           comparison == Comparison::kEqual;
  }
};

// The threshold, or the reason the text is not one.
struct ParsedThreshold {
  std::optional<Threshold> threshold;
  std::string problem;
};
ParsedThreshold parse_threshold(const std::string& text);

// Base unit of a metric, for documents: "ms", "%", "req/s", "bytes".
const char* metric_unit(const std::string& metric);

// Observed values by metric name; a metric absent here (no --target-pid) fails its threshold.
using Observations = std::map<std::string, double>;

}  // namespace neuro::load
