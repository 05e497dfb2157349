// Building a run's result (load/results/load_result.hpp) from what its phases produced: the
// result's fields, a stress stage's entry, the soak's RSS trend, and each series point's users
// or rate. The verdict and the client's warnings are apart (verdict.hpp, client_warnings.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "load/results/load_run.hpp"
#include "load/run/phase.hpp"
#include "load/run/plan.hpp"
#include "load/run/run_options.hpp"
#include "load/run/run_totals.hpp"

namespace neuro::load {

// Every field but client.warnings, stress, soak and the verdict (thresholds, aborted,
// abort_reason, passed), and the series (LoadRun keeps it apart).
LoadResult run_result(const Scenario& scenario, const RunOptions& options, const RunPlan& plan,
                      const RunTotals& totals, const std::string& started_at);

// One entry of stress.stages: the stage's metrics judged by the scenario's thresholds on its own
// window (`rate` is this shard's share; `target` the run's target samples so far).
StressStage stage_result(const Scenario& scenario, const PhaseResult& result, const PhasePlan& plan,
                         double rate, const std::vector<TargetSample>& target);

// The target's RSS samples a soak fits its trend on: all but the first tenth (warm-up).
std::vector<TargetSample> soak_fit_samples(const RunTotals& totals);

// The result's "soak" (none for other executors).
std::optional<Soak> soak_result(const Executor& executor, const RunTotals& totals);

// Users (closed model) or scheduled rate (open model, this shard's share) of each point: the
// mean over the seconds it covers, each second taking the phase that schedules then (the later
// one where a stress stage's tail and the next stage share a second).
std::map<std::int64_t, SeriesAnnotation> annotate(const SeriesStore& series,
                                                  const std::vector<PhasePlan>& phases,
                                                  double duration_s);

}  // namespace neuro::load
