#include "load/run/run_totals.hpp"

#include <algorithm>
#include <cmath>

namespace neuro::load {
namespace {

// Sample times on the run's axis, in whole seconds.
double on_axis(double offset, double t_s) { return static_cast<double>(std::lround(offset + t_s)); }

}  // namespace

std::int64_t RunTotals::requests() const {
  std::int64_t n = 0;
  for (const auto& s : steps) n += s.requests;
  return n;
}

std::int64_t RunTotals::errors() const {
  std::int64_t n = 0;
  for (const auto& s : steps) n += s.error_total();
  return n;
}

void add_phase(RunTotals& acc, const PhaseResult& r, const PhasePlan& plan) {
  if (acc.steps.empty()) acc.steps.resize(r.steps.size());
  for (std::size_t i = 0; i < r.steps.size(); ++i) acc.steps[i].merge(r.steps[i]);
  acc.phases.push_back(plan);
  acc.peak_connections = std::max(acc.peak_connections, r.peak_connections);
  for (const auto& [version, n] : r.responses_by_http_version) {
    acc.responses_by_http_version[version] += n;
  }
  for (auto h : r.host) {
    h.t_s = on_axis(plan.t_offset_s, h.t_s);
    acc.host.push_back(h);
  }
  for (auto t : r.target) {
    t.t_s = on_axis(plan.t_offset_s, t.t_s);
    acc.target.push_back(t);
  }
  for (auto t : r.target) {
    t.t_s += plan.t_offset_s;
    acc.target_samples.push_back(t);
  }
  acc.late += r.late_sends;
  acc.dropped += r.dropped_sends;
  acc.duration_s += r.duration_s;
  acc.cpu_s += r.cpu_s;
  acc.target_alive = acc.target_alive && r.target_alive;
  if (r.aborted) {
    acc.aborted = true;
    acc.abort_reason = r.abort_reason;
  }
}

}  // namespace neuro::load
