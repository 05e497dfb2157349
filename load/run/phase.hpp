// One phase of a run: worker threads over one executor configuration (a whole constant-users
// or open-model run, or one stress stage), with the once-a-second duties of the main thread:
// resource samples, series collection, live progress and abort_on_fail.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/http/blocking_client.hpp"
#include "load/results/request_stats.hpp"
#include "load/results/series_store.hpp"
#include "load/run/progress.hpp"
#include "load/run/resources.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/schedule.hpp"

namespace neuro::load {

// What the run learned before starting: where the target is and the auth step's captures.
struct Prepared {
  ResolvedTarget target;
  std::string auth_header;
  Variables variables;
};

struct PhasePlan {
  bool open_model = false;
  RateCurve curve;  // open model, whole-run rate (the shard takes its share)
  int users = 0;    // closed model, whole run
  double ramp_up_s = 0;
  std::int64_t iterations = 0;
  double duration_s = 0;
  int connections = 0;  // open model, this shard
  int threads = 1;
  int shard_index = 0;
  int shard_count = 1;
  pid_t target_pid = 0;
  double t_offset_s = 0;  // where this phase starts within the run (stress stages)
  double planned_total_s = 0;
  bool abort_on_fail = false;
};

struct PhaseResult {
  std::vector<StepStats> steps;
  std::vector<HostSample> host;
  std::vector<TargetSample> target;
  bool target_alive = true;
  std::int64_t late_sends = 0;
  std::int64_t dropped_sends = 0;
  std::int64_t peak_connections = 0;  // each load thread's most open at once, summed
  std::map<std::string, std::int64_t> responses_by_http_version;  // "1.1", "2" -> answers
  double duration_s = 0;
  double cpu_s = 0;  // this process, user + system
  bool aborted = false;
  std::string abort_reason;
};

// The thread bodies of one phase: the libcurl engine when the scenario needs TLS or HTTP/2
// (Scenario::uses_libcurl), else the faster epoll engine. Each completed second goes into
// `series` at plan.t_offset_s + its second, as it completes: the run's one copy of the series.
PhaseResult run_phase(const Scenario& scenario, const Prepared& prepared, const PhasePlan& plan,
                      Progress& progress, SeriesStore& series);

}  // namespace neuro::load
