#include "load/run/plan.hpp"

#include <algorithm>
#include <cmath>

#include "load/scenario/schedule.hpp"

namespace neuro::load {
namespace {

int default_connections(const Executor& e, double peak_rate) {
  if (e.max_connections > 0) return e.max_connections;
  // Enough for responses of up to ~100 ms at the peak rate; slower ones queue, count as late
  // and are still measured from their intended time.
  return std::clamp(static_cast<int>(std::ceil(peak_rate * 0.1)), 4, 2000);
}

// This shard's part of a whole-run connection count, rounded up.
int shard_share(int connections, int shard_count) {
  return (connections + shard_count - 1) / shard_count;
}

}  // namespace

RunPlan plan_run(const Scenario& s, const RunOptions& o) {
  const Executor& e = s.executor;
  PhasePlan base;
  base.open_model = e.open_model();
  base.threads = o.threads > 0 ? o.threads : s.threads;
  base.shard_index = o.shard_index;
  base.shard_count = o.shard_count;
  base.target_pid = o.target_pid;
  base.planned_total_s = planned_duration_s(e);
  base.abort_on_fail = s.abort_on_fail;
  RunPlan run;
  run.threads = base.threads;
  if (e.kind == ExecutorKind::kStress) {
    run.stress = true;
    for (const double rate : stress_stage_rates(e)) {
      PhasePlan plan = base;
      plan.curve = RateCurve(rate, {{e.step_duration_s, rate}});
      plan.duration_s = e.step_duration_s;
      plan.connections = shard_share(default_connections(e, rate), o.shard_count);
      plan.abort_on_fail = false;  // a stress run is meant to break thresholds
      run.phases.push_back(std::move(plan));
      run.stage_rates.push_back(rate);
    }
    return run;
  }
  PhasePlan plan = base;
  plan.duration_s = e.duration_s;
  if (plan.open_model) {
    plan.curve = RateCurve(e.start_rate, e.stages);
    plan.duration_s = plan.curve.duration_s();
    plan.connections = shard_share(default_connections(e, plan.curve.peak_rate()), o.shard_count);
  } else {
    plan.users = e.users;
    plan.ramp_up_s = e.ramp_up_s;
    plan.iterations = e.iterations;
  }
  run.phases.push_back(std::move(plan));
  return run;
}

}  // namespace neuro::load
