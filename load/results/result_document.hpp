// The result document's typed model is load_result.hpp; this is what the runner and
// `neuroperf merge` compute on it: a step's result from its stats, threshold verdicts computed
// from a result (so that a merged result is judged exactly as one run would be), the shape check
// of a document read from disk, and merging shards.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/base/latency_histogram.hpp"
#include "load/results/load_result.hpp"
#include "load/results/request_stats.hpp"
#include "load/results/ws_stats.hpp"
#include "load/scenario/threshold.hpp"

namespace neuro::load {

// A step's result from what the run counted; `duration_s` gives its rates.
StepResult step_result(const std::string& name, const StepStats& stats, double duration_s,
                       bool open_model);
// The same as the document's JSON (tests build documents from it).
nlohmann::json step_json(const std::string& name, const StepStats& stats, double duration_s,
                         bool open_model);

// The metrics of one window (a run or a stress stage).
struct Window {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  double duration_s = 0;
  base::LatencyHistogram latency;
  std::int64_t checks = 0, check_failures = 0;
  base::LatencyHistogram poll;                        // polling steps' total times
  base::LatencyHistogram group;                       // groups' total times
  WsStats ws;                                         // ws: steps' messages
  base::LatencyHistogram read_lag;                    // HTTP answers' read lag
  const std::vector<TargetSample>* target = nullptr;  // resources.target samples, may be null
  const std::vector<HostSample>* host = nullptr;      // resources.host samples, may be null
  double t_from_s = 0, t_to_s = 1e300;                // which resource samples belong to it
};
Observations observe(const Window& w);

// The window of a whole result: totals, every step's latency and flows, all resource samples.
Window result_window(const LoadResult& result);

// One verdict per threshold; *passed is false when any fails (a metric that was not observed
// fails).
std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                  const Observations& observed, bool* passed);

// Checks the parts of a document that merge and reports read; throws InvalidArgument naming
// `origin` and the JSON path of the first problem.
void validate_document(const nlohmann::json& doc, const std::string& origin);

// Shards of one scenario -> one result: counts and histograms add exactly, series add by
// second, thresholds are judged again on the merged data. `origins` name the shards in errors.
LoadResult merge_results(const std::vector<LoadResult>& shards,
                         const std::vector<std::string>& origins);
// Shard documents read for merge_results (validate_document, then parse_shard_result); errors
// name the origin.
std::vector<LoadResult> read_shards(const std::vector<nlohmann::json>& docs,
                                    const std::vector<std::string>& origins);
// read_shards, merge_results, to_json.
nlohmann::json merge_documents(const std::vector<nlohmann::json>& docs,
                               const std::vector<std::string>& origins);

}  // namespace neuro::load
