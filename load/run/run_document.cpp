#include "load/run/run_document.hpp"

#include <algorithm>
#include <cmath>

#include "load/results/result_document.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {

using nlohmann::json;

json run_document(const Scenario& s, const RunOptions& o, const RunPlan& plan, const RunTotals& acc,
                  const std::string& started_at) {
  const Executor& e = s.executor;
  json doc;
  doc["schema"] = kResultSchema;
  doc["scenario"] = {{"name", s.name},
                     {"file", s.file},
                     {"executor", executor_name(e.kind)},
                     {"config", s.config}};
  doc["target"] = s.target;
  doc["engine"] = {{"name", s.uses_libcurl() ? "libcurl" : "epoll"},
                   {"http", s.http2 ? "2" : "1.1"},
                   {"tls", s.target.rfind("https://", 0) == 0},
                   {"tls_verify", s.tls_verify},
                   {"responses_by_http_version", acc.responses_by_http_version}};
  doc["started_at"] = started_at;
  doc["duration_s"] = acc.duration_s;
  doc["shard"] = {{"index", o.shard_index}, {"count", o.shard_count}};
  doc["steps"] = json::array();
  for (std::size_t i = 0; i < acc.steps.size(); ++i) {
    doc["steps"].push_back(
        step_json(s.steps[i].name, acc.steps[i], acc.duration_s, e.open_model()));
  }
  const std::int64_t requests = acc.requests();
  std::int64_t checks = 0, check_failures = 0;
  for (const auto& st : acc.steps) {
    checks += st.checks;
    check_failures += st.check_failures;
  }
  doc["totals"] = {
      {"requests", requests},
      {"errors", acc.errors()},
      {"checks", checks_json(checks, check_failures)},
      {"rps", acc.duration_s > 0 ? static_cast<double>(requests) / acc.duration_s : 0.0}};
  doc["resources"] = {{"host", acc.host}, {"target", acc.target}};
  doc["client"] = {
      {"threads", plan.threads},
      {"cpu_s", acc.cpu_s},
      {"cpu_us_per_request", requests ? acc.cpu_s * 1e6 / static_cast<double>(requests) : 0.0},
      {"warnings", json::array()}};
  doc["open_model"] = e.open_model()
                          ? json{{"late_sends", acc.late}, {"dropped_sends", acc.dropped}}
                          : json(nullptr);
  doc["stress"] = nullptr;
  doc["soak"] = nullptr;
  return doc;
}

json stage_json(const Scenario& s, const PhaseResult& r, const PhasePlan& plan, double rate,
                const json& target) {
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
  w.target = &target;
  w.t_from_s = plan.t_offset_s;
  w.t_to_s = plan.t_offset_s + r.duration_s + 0.5;
  const auto observed = observe(w);
  bool passed = false;
  const auto verdicts = evaluate_thresholds(s.thresholds, observed, &passed);
  json failed = json::array();
  for (const auto& v : verdicts) {
    if (!v["passed"].get<bool>()) failed.push_back(v["expression"]);
  }
  return {{"rate", rate},
          {"duration_s", r.duration_s},
          {"requests", w.requests},
          {"errors", w.errors},
          {"rps", w.duration_s > 0 ? static_cast<double>(w.requests) / w.duration_s : 0.0},
          {"latency", SparseHistogram::from(all.latency).to_json()},
          {"percentiles_ms", percentiles_json(all.latency)},
          {"observed", observed},
          {"passed", passed},
          {"failed", failed}};
}

std::vector<TargetSample> soak_fit_samples(const RunTotals& acc) {
  std::vector<TargetSample> fit;
  for (const auto& t : acc.target_samples) {
    if (t.t_s >= acc.duration_s / 10) fit.push_back(t);
  }
  return fit;
}

json soak_json(const Executor& e, const RunTotals& acc) {
  if (e.kind != ExecutorKind::kSoak) return nullptr;
  const auto fit = soak_fit_samples(acc);
  const double slope = rss_slope_bytes_per_s(fit);
  const double growth = slope * acc.duration_s;
  return {{"rss_slope_bytes_per_s", fit.size() >= 2 ? json(slope) : json(nullptr)},
          {"rss_growth_bytes", fit.size() >= 2 ? json(growth) : json(nullptr)},
          {"leak_threshold_bytes", e.leak_threshold_bytes},
          {"suspected_leak", fit.size() >= 2 && growth > e.leak_threshold_bytes}};
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
