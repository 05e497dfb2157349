#include "load/run/run_document.hpp"

#include <algorithm>
#include <cmath>

#include "load/results/result_document.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {

LoadResult run_result(const Scenario& s, const RunOptions& o, const RunPlan& plan,
                      const RunTotals& acc, const std::string& started_at) {
  const Executor& e = s.executor;
  LoadResult r;
  r.scenario_name = s.name;
  r.scenario_file = s.file;
  r.executor = executor_name(e.kind);
  r.scenario_config = s.config;
  r.target = s.target;
  // A scenario with ws: steps runs on the epoll WebSocket transport (with OpenSSL on an https://
  // target), whatever carries its HTTP steps.
  const bool on_libcurl = s.uses_libcurl() && !s.uses_websocket();
  r.engine =
      EngineInfo{on_libcurl ? "libcurl" : "epoll", s.http2 ? "2" : "1.1",
                 s.target.rfind("https://", 0) == 0, s.tls_verify, acc.responses_by_http_version};
  r.started_at = started_at;
  r.duration_s = acc.duration_s;
  r.shard_index = o.shard_index;
  r.shard_count = o.shard_count;
  Checks checks;
  for (std::size_t i = 0; i < acc.steps.size(); ++i) {
    r.steps.push_back(step_result(s.steps[i].name, acc.steps[i], acc.duration_s, e.open_model()));
    checks.passed += acc.steps[i].checks - acc.steps[i].check_failures;
    checks.failed += acc.steps[i].check_failures;
  }
  const std::int64_t requests = acc.requests();
  r.total_requests = requests;
  r.total_errors = acc.errors();
  r.total_checks = checks;
  r.total_rps = acc.duration_s > 0 ? static_cast<double>(requests) / acc.duration_s : 0.0;
  r.host = acc.host;
  r.target_process = acc.target;
  r.client = ClientInfo{plan.threads,
                        acc.cpu_s,
                        requests ? acc.cpu_s * 1e6 / static_cast<double>(requests) : 0.0,
                        {},
                        acc.peak_connections};
  if (e.open_model()) r.open_model = OpenModel{acc.late, acc.dropped};
  return r;
}

StressStage stage_result(const Scenario& s, const PhaseResult& r, const PhasePlan& plan,
                         double rate, const std::vector<TargetSample>& target) {
  StepStats all;
  for (const auto& st : r.steps) all.merge(st);
  Window w;
  w.requests = all.requests;
  w.errors = all.error_total();
  w.duration_s = r.duration_s;
  w.latency = all.latency;
  w.checks = all.checks;
  w.check_failures = all.check_failures;
  w.poll = all.poll;
  w.group = all.group;
  w.ws = all.ws;
  w.read_lag = all.read_lag;
  w.target = &target;
  w.t_from_s = plan.t_offset_s;
  w.t_to_s = plan.t_offset_s + r.duration_s + 0.5;
  StressStage stage;
  stage.rate = rate;
  stage.duration_s = r.duration_s;
  stage.requests = w.requests;
  stage.errors = w.errors;
  stage.rps = w.duration_s > 0 ? static_cast<double>(w.requests) / w.duration_s : 0.0;
  stage.latency = SparseHistogram::from(all.latency);
  stage.observed = observe(w);
  for (const auto& v : evaluate_thresholds(s.thresholds, *stage.observed, &stage.passed)) {
    if (!v.passed) stage.failed.push_back(v.expression);
  }
  return stage;
}

std::vector<TargetSample> soak_fit_samples(const RunTotals& acc) {
  std::vector<TargetSample> fit;
  for (const auto& t : acc.target_samples) {
    if (t.t_s >= acc.duration_s / 10) fit.push_back(t);
  }
  return fit;
}

std::optional<Soak> soak_result(const Executor& e, const RunTotals& acc) {
  if (e.kind != ExecutorKind::kSoak) return std::nullopt;
  const auto fit = soak_fit_samples(acc);
  const double slope = rss_slope_bytes_per_s(fit);
  const double growth = slope * acc.duration_s;
  const bool trend = fit.size() >= 2;
  return Soak{trend ? std::optional<double>(slope) : std::nullopt,
              trend ? std::optional<double>(growth) : std::nullopt, e.leak_threshold_bytes,
              trend && growth > e.leak_threshold_bytes};
}

std::map<std::int64_t, SeriesAnnotation> annotate(const SeriesStore& series,
                                                  const std::vector<PhasePlan>& phases,
                                                  double duration_s) {
  std::map<std::int64_t, SeriesAnnotation> out;
  if (phases.empty()) return out;
  // Every user's start time per phase, sorted: users started by a second is one binary search
  // (walking them all for every second of a long run with many users would take minutes).
  std::vector<std::vector<double>> starts(phases.size());
  for (std::size_t i = 0; i < phases.size(); ++i) {
    for (int t = 0; t < phases[i].threads; ++t) {
      const Lane lane{phases[i].shard_index, phases[i].shard_count, t, phases[i].threads};
      for (double start : user_start_times(phases[i].users, phases[i].ramp_up_s, lane)) {
        starts[i].push_back(start);
      }
    }
    std::sort(starts[i].begin(), starts[i].end());
  }
  const auto run_end = static_cast<std::int64_t>(std::ceil(duration_s));
  for (const auto& [t, point] : series.points()) {
    // The last point may reach past the end of the run: only the seconds inside count.
    const std::int64_t end = std::max(t + 1, std::min(t + series.resolution_s(), run_end));
    double users = 0, rate = 0;
    for (std::int64_t second = t; second < end; ++second) {
      std::size_t phase = 0;
      for (std::size_t i = 0; i < phases.size(); ++i) {
        if (std::lround(phases[i].t_offset_s) <= second) phase = i;
      }
      const PhasePlan& plan = phases[phase];
      const double local = static_cast<double>(second - std::lround(plan.t_offset_s));
      if (plan.open_model) {
        rate += plan.curve.rate_at(local + 0.5) / plan.shard_count;
      } else {
        const auto& s = starts[phase];
        users += static_cast<double>(std::upper_bound(s.begin(), s.end(), local + 1) - s.begin());
      }
    }
    SeriesAnnotation a;
    const auto n = static_cast<double>(end - t);
    if (phases.front().open_model) {
      a.rate = rate / n;
    } else {
      a.users = std::llround(users / n);
    }
    out[t] = a;
  }
  return out;
}

}  // namespace neuro::load
