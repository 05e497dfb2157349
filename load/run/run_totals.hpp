// Everything the phases of one run produced, added up on one time axis (a stress run's stages
// follow each other): per-step stats, resource samples, counts and the abort, if any.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/results/request_stats.hpp"
#include "load/run/phase.hpp"
#include "load/run/resources.hpp"

namespace neuro::load {

struct RunTotals {
  std::vector<StepStats> steps;
  std::vector<PhasePlan> phases;  // as they ran, for the series' users and rate
  std::map<std::string, std::int64_t> responses_by_http_version;
  // resources.host and resources.target of the result: on the run's axis, in whole seconds as
  // the document writes them (a stress stage's window picks its samples by those times).
  std::vector<HostSample> host;
  std::vector<TargetSample> target;
  std::vector<TargetSample> target_samples;  // the same at their exact times, for the soak fit
  std::int64_t late = 0, dropped = 0;
  std::int64_t peak_connections = 0;  // the largest of the phases' (each its threads' peaks summed)
  double duration_s = 0, cpu_s = 0;
  bool aborted = false, target_alive = true;
  std::string abort_reason;

  std::int64_t requests() const;
  std::int64_t errors() const;
};

// Adds one phase that ran as `plan` (its t_offset_s placing its samples on the run's axis).
void add_phase(RunTotals& totals, const PhaseResult& result, const PhasePlan& plan);

}  // namespace neuro::load
