#include "load/scenario/quick_scale.hpp"

#include <algorithm>

#include "load/scenario/ws_quick.hpp"

namespace neuro::load {

double apply_quick(Scenario& s) {
  Executor& e = s.executor;
  const double seconds = s.quick_seconds > 0 ? s.quick_seconds : kQuickSeconds;
  if (s.quick_users > 0 && e.kind == ExecutorKind::kConstantUsers) {
    e.users = std::min(e.users, s.quick_users);
  }
  // A closed run bounded by iterations (no duration given) ends by count, not by time: its
  // timeline is the ramp-up and then its iterations' streams (a ws: step's receive is timed; any
  // other step is as long as the target makes it).
  const bool by_count = e.kind == ExecutorKind::kConstantUsers && e.iterations > 0 &&
                        e.duration_s >= kIterationsOnlyDurationS;
  double streams_s = 0;
  for (const auto& step : s.steps) {
    if (step.ws) streams_s += step.ws->duration_s;
  }
  const double planned = by_count ? e.ramp_up_s + static_cast<double>(e.iterations) * streams_s
                                  : planned_duration_s(e);
  const double factor = planned > seconds ? seconds / planned : 1.0;
  if (!by_count) e.duration_s *= factor;
  e.ramp_up_s *= factor;
  for (auto& stage : e.stages) stage.duration_s *= factor;
  e.step_duration_s *= factor;
  // A ws: step's receive is part of the timeline: a 30 s stream would outlive a 10 s run.
  scale_ws_steps(s, factor);
  s.config["quick"] = {{"factor", factor}, {"seconds", seconds}, {"users", e.users}};
  return factor;
}

}  // namespace neuro::load
