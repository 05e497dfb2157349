// What a run will do, worked out before it starts: one phase for a constant-users or open-model
// run, one per stage for stress (each a constant rate; they run in order until one breaks a
// threshold). Where each phase sits on the run's time axis is set as the phases run.
#pragma once

#include <vector>

#include "load/run/phase.hpp"
#include "load/run/run_options.hpp"
#include "load/scenario/scenario.hpp"

namespace neuro::load {

struct RunPlan {
  std::vector<PhasePlan> phases;
  bool stress = false;
  std::vector<double> stage_rates;  // stress: each phase's whole-run rate
  int threads = 1;                  // per phase, this shard
};

RunPlan plan_run(const Scenario& scenario, const RunOptions& options);

}  // namespace neuro::load
