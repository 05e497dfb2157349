// Everything the phases of one run produced, added up on one time axis (a stress run's stages
// follow each other): per-step stats, resource samples, counts and the abort, if any.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
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
  nlohmann::json host = nlohmann::json::array();    // resources.host of the document
  nlohmann::json target = nlohmann::json::array();  // resources.target of the document
  std::vector<TargetSample> target_samples;         // the same, typed, for the soak fit
  std::int64_t late = 0, dropped = 0;
  double duration_s = 0, cpu_s = 0;
  bool aborted = false, target_alive = true;
  std::string abort_reason;

  std::int64_t requests() const;
  std::int64_t errors() const;
};

// Adds one phase that ran as `plan` (its t_offset_s placing its samples on the run's axis).
void add_phase(RunTotals& totals, const PhaseResult& result, const PhasePlan& plan);

}  // namespace neuro::load
