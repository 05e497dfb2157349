// The result document (schema "neuroperf-load/1", docs/load-results-schema.md): pieces shared by
// the runner and `neuroperf merge`, and threshold verdicts computed from a document, so that a
// merged document is judged exactly as one run would be.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/common/latency_histogram.hpp"
#include "load/results/request_stats.hpp"
#include "load/results/ws_stats.hpp"
#include "load/scenario/threshold.hpp"

namespace neuro::load {

inline constexpr const char* kResultSchema = "neuroperf-load/1";

// {"p50", "p90", "p95", "p99", "p99.9", "max"} in milliseconds.
nlohmann::json percentiles_json(const common::LatencyHistogram& h);

nlohmann::json step_json(const std::string& name, const StepStats& stats, double duration_s,
                         bool open_model);
// A step's "checks" {passed, failed} and "poll" (null, or its histogram and percentiles).
nlohmann::json checks_json(std::int64_t checks, std::int64_t failures);
nlohmann::json poll_json(const common::LatencyHistogram& poll);

// The metrics of one window (a run or a stress stage).
struct Window {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  double duration_s = 0;
  common::LatencyHistogram latency;
  std::int64_t checks = 0, check_failures = 0;
  common::LatencyHistogram poll;           // polling steps' total times
  common::LatencyHistogram group;          // groups' total times
  WsStats ws;                              // ws: steps' messages
  const nlohmann::json* target = nullptr;  // resources.target samples, may be null
  const nlohmann::json* host = nullptr;    // resources.host samples, may be null
  double t_from_s = 0, t_to_s = 1e300;     // which resource samples belong to it
};
Observations observe(const Window& w);
// Adds the checks and poll of a document step (as step_json wrote them) to `w`.
void add_step_flow(Window& w, const nlohmann::json& step, const std::string& where);

// The window of a whole document: totals, every step's latency, all resource samples.
Window document_window(const nlohmann::json& doc);

// One entry per threshold ({expression, metric, unit, observed, limit, passed}); *passed is
// false when any fails (a metric that was not observed fails).
nlohmann::json evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                   const Observations& observed, bool* passed);

// Checks the parts of a document that merge and reports read; throws InvalidArgument naming
// `origin` and the JSON path of the first problem.
void validate_document(const nlohmann::json& doc, const std::string& origin);

// Shards of one scenario -> one document: counts and histograms add exactly, series add by
// second, thresholds are judged again on the merged data.
nlohmann::json merge_documents(const std::vector<nlohmann::json>& docs,
                               const std::vector<std::string>& origins);

}  // namespace neuro::load
