#include "load/run/runner.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <map>

#include "engine/common/errors.hpp"
#include "load/engine/curl/curl_easy.hpp"
#include "load/engine/curl/curl_exchange.hpp"
#include "load/results/result_document.hpp"
#include "load/results/result_writer.hpp"
#include "load/run/phase.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Prepared prepare(const Scenario& s) {
  Prepared p;
  p.target = resolve_target(s.target);
  check_reachable(p.target, s.target, std::min(s.timeout_s, 5.0));
  if (s.auth) {
    const std::string where = s.target + s.auth->path;
    Exchange answer;
    if (s.uses_libcurl()) {
      try {
        answer = curl_exchange_once(p.target.url, transport_of(s), *s.auth, s.timeout_s);
      } catch (const common::Error& e) {
        throw common::Error(common::ExitCode::kUnreachable, std::string("auth step ") + e.what());
      }
    } else {
      const auto request = serialize_request(*s.auth, p.target.url, "", {});
      answer = exchange_once(p.target, request, s.auth->method == "HEAD", s.timeout_s);
    }
    if (answer.status >= 400) {
      throw common::Error(common::ExitCode::kUnreachable,
                          "auth step " + where + ": status " + std::to_string(answer.status));
    }
    for (const auto& c : s.auth->captures) {
      const auto value = capture_json(answer.body, c.json_path);
      if (value.empty()) {
        throw common::Error(common::ExitCode::kUnreachable,
                            "auth step " + where + ": response has no '" + c.json_path + "'");
      }
      p.variables[c.name] = value;
    }
    p.auth_header = substitute(s.auth_header, p.variables);
  }
  return p;
}

int default_connections(const Executor& e, double peak_rate) {
  if (e.max_connections > 0) return e.max_connections;
  // Enough for responses of up to ~100 ms at the peak rate; slower ones queue, count as late
  // and are still measured from their intended time.
  return std::clamp(static_cast<int>(std::ceil(peak_rate * 0.1)), 4, 2000);
}

json host_json(const std::vector<HostSample>& samples, double offset) {
  json out = json::array();
  for (const auto& h : samples) {
    out.push_back({{"t_s", static_cast<std::int64_t>(std::lround(offset + h.t_s))},
                   {"cpu_percent", h.cpu_percent},
                   {"mem_used_bytes", h.mem_used_bytes},
                   {"net_rx_bytes_per_s", h.net_rx_bytes_per_s},
                   {"net_tx_bytes_per_s", h.net_tx_bytes_per_s},
                   {"disk_read_bytes_per_s", h.disk_read_bytes_per_s},
                   {"disk_write_bytes_per_s", h.disk_write_bytes_per_s}});
  }
  return out;
}

json target_json(const std::vector<TargetSample>& samples, double offset) {
  json out = json::array();
  for (const auto& t : samples) {
    out.push_back({{"t_s", static_cast<std::int64_t>(std::lround(offset + t.t_s))},
                   {"cpu_percent", t.cpu_percent},
                   {"rss_bytes", t.rss_bytes}});
  }
  return out;
}

// Everything the phases produced, concatenated on one time axis.
struct Accumulated {
  std::vector<StepStats> steps;
  std::vector<PhasePlan> phases;  // in order, for the series' users and rate
  std::map<std::string, std::int64_t> responses_by_http_version;
  json host = json::array();
  json target = json::array();
  std::vector<TargetSample> target_samples;
  std::int64_t late = 0, dropped = 0;
  double duration_s = 0, cpu_s = 0;
  bool aborted = false, target_alive = true;
  std::string abort_reason;
};

void add_phase(Accumulated& acc, const PhaseResult& r, const PhasePlan& plan) {
  if (acc.steps.empty()) acc.steps.resize(r.steps.size());
  for (std::size_t i = 0; i < r.steps.size(); ++i) acc.steps[i].merge(r.steps[i]);
  acc.phases.push_back(plan);
  for (const auto& [version, n] : r.responses_by_http_version) {
    acc.responses_by_http_version[version] += n;
  }
  for (auto& h : host_json(r.host, plan.t_offset_s)) acc.host.push_back(h);
  for (auto& t : target_json(r.target, plan.t_offset_s)) acc.target.push_back(t);
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

// Users (closed model) or scheduled rate (open model, this shard's share) of each point: the
// mean over the seconds it covers, each second taking the phase that schedules then (the later
// one where a stress stage's tail and the next stage share a second).
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

json stage_json(const Scenario& s, const PhaseResult& r, const PhasePlan& plan, double rate,
                const json& target) {
  StepStats all;
  for (const auto& st : r.steps) all.merge(st);
  Window w;
  w.requests = all.requests;
  w.errors = all.error_total();
  w.duration_s = r.duration_s;
  w.latency = all.latency;
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

}  // namespace

void parse_shard(const std::string& text, int* index, int* count) {
  const auto slash = text.find('/');
  int i = -1, n = 0;
  if (slash != std::string::npos) {
    std::from_chars(text.data(), text.data() + slash, i);
    std::from_chars(text.data() + slash + 1, text.data() + text.size(), n);
  }
  if (slash == std::string::npos || n < 1 || i < 0 || i >= n) {
    throw common::InvalidArgument("--shard: expected i/N with 0 <= i < N, got '" + text + "'");
  }
  *index = i;
  *count = n;
}

LoadRun execute_load(const Scenario& s, const RunOptions& o) {
  const Prepared prepared = prepare(s);
  const Executor& e = s.executor;
  Progress progress(o.progress, o.quiet);
  PhasePlan base;
  base.open_model = e.open_model();
  base.threads = o.threads > 0 ? o.threads : s.threads;
  base.shard_index = o.shard_index;
  base.shard_count = o.shard_count;
  base.target_pid = o.target_pid;
  base.planned_total_s = planned_duration_s(e);
  base.abort_on_fail = s.abort_on_fail;
  Accumulated acc;
  SeriesStore series(o.series_bucket_budget);
  json stress = nullptr;
  const std::string started_at = utc_now();
  if (e.kind == ExecutorKind::kStress) {
    json stages = json::array();
    json knee = nullptr;
    double offset = 0;
    for (double rate = e.start_rate; rate <= e.max_rate + 1e-9; rate += e.step_rate) {
      PhasePlan plan = base;
      plan.curve = RateCurve(rate, {{e.step_duration_s, rate}});
      plan.duration_s = e.step_duration_s;
      plan.connections = (default_connections(e, rate) + o.shard_count - 1) / o.shard_count;
      plan.t_offset_s = offset;
      plan.abort_on_fail = false;  // a stress run is meant to break thresholds
      const PhaseResult r = run_phase(s, prepared, plan, progress, series);
      add_phase(acc, r, plan);
      auto stage = stage_json(s, r, plan, rate / o.shard_count, acc.target);
      const bool passed = stage["passed"].get<bool>();
      progress.message("neuroperf load: stage " + std::to_string(stages.size()) + " at " +
                       std::to_string(static_cast<long long>(rate)) + " req/s " +
                       (passed ? "held every threshold" : "broke a threshold"));
      stages.push_back(std::move(stage));
      if (!passed) break;
      knee = rate / o.shard_count;
      offset += r.duration_s;
    }
    stress = {{"knee_rate", knee}, {"stages", stages}};
  } else {
    PhasePlan plan = base;
    plan.duration_s = e.duration_s;
    if (plan.open_model) {
      plan.curve = RateCurve(e.start_rate, e.stages);
      plan.duration_s = plan.curve.duration_s();
      plan.connections =
          (default_connections(e, plan.curve.peak_rate()) + o.shard_count - 1) / o.shard_count;
    } else {
      plan.users = e.users;
      plan.ramp_up_s = e.ramp_up_s;
      plan.iterations = e.iterations;
    }
    add_phase(acc, run_phase(s, prepared, plan, progress, series), plan);
  }
  progress.finish();

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
  std::int64_t requests = 0, errors = 0;
  doc["steps"] = json::array();
  for (std::size_t i = 0; i < acc.steps.size(); ++i) {
    doc["steps"].push_back(
        step_json(s.steps[i].name, acc.steps[i], acc.duration_s, e.open_model()));
    requests += acc.steps[i].requests;
    errors += acc.steps[i].error_total();
  }
  doc["totals"] = {
      {"requests", requests},
      {"errors", errors},
      {"rps", acc.duration_s > 0 ? static_cast<double>(requests) / acc.duration_s : 0.0}};
  doc["resources"] = {{"host", acc.host}, {"target", acc.target}};
  json warnings = json::array();
  const int threads = base.threads;
  const double busy = acc.duration_s > 0 ? acc.cpu_s / (acc.duration_s * threads) : 0.0;
  if (busy > 0.9) {
    warnings.push_back("the client was busy " + std::to_string(static_cast<int>(busy * 100)) +
                       "% of its threads' time: it may be the bottleneck (add threads or shard "
                       "the run)");
  }
  if (o.target_pid > 0 && shares_cpus_with(o.target_pid)) {
    warnings.push_back("the client shares CPUs with the target (pid " +
                       std::to_string(o.target_pid) +
                       "): both compete for the same cores; pin them apart with taskset");
  }
  if (o.target_pid > 0 && !acc.target_alive) {
    warnings.push_back("the target process " + std::to_string(o.target_pid) +
                       " went away during the run");
  }
  if (e.open_model() && requests > 0 && acc.late * 100 > requests) {
    warnings.push_back(std::to_string(acc.late) +
                       " sends left more than 1 ms after their intended time: raise "
                       "executor.max_connections (latency still counts from the intended time)");
  }
  if (s.http2 && s.target.rfind("http://", 0) == 0 && h2c_reuse_broken()) {
    warnings.push_back(
        "this libcurl cannot reuse h2c connections (curl issue #10634, fixed in "
        "8.0): every request opened its own connection");
  }
  if (acc.dropped > 0) {
    warnings.push_back(std::to_string(acc.dropped) + " arrivals were never sent (queued when " +
                       "the run ended or beyond the queue limit)");
  }
  doc["client"] = {
      {"threads", threads},
      {"cpu_s", acc.cpu_s},
      {"cpu_us_per_request", requests ? acc.cpu_s * 1e6 / static_cast<double>(requests) : 0.0},
      {"warnings", warnings}};
  doc["open_model"] = e.open_model()
                          ? json{{"late_sends", acc.late}, {"dropped_sends", acc.dropped}}
                          : json(nullptr);
  doc["stress"] = stress;
  doc["soak"] = nullptr;
  if (e.kind == ExecutorKind::kSoak) {
    // The first tenth of the run is warm-up (caches, pools) and stays out of the fit.
    std::vector<TargetSample> fit;
    for (const auto& t : acc.target_samples) {
      if (t.t_s >= acc.duration_s / 10) fit.push_back(t);
    }
    const double slope = rss_slope_bytes_per_s(fit);
    const double growth = slope * acc.duration_s;
    doc["soak"] = {{"rss_slope_bytes_per_s", fit.size() >= 2 ? json(slope) : json(nullptr)},
                   {"rss_growth_bytes", fit.size() >= 2 ? json(growth) : json(nullptr)},
                   {"leak_threshold_bytes", e.leak_threshold_bytes},
                   {"suspected_leak", fit.size() >= 2 && growth > e.leak_threshold_bytes}};
    if (fit.size() < 2) {
      doc["client"]["warnings"].push_back("soak without --target-pid: no RSS trend to judge");
    }
  }
  bool passed = true;
  doc["thresholds"] = evaluate_thresholds(s.thresholds, observe(document_window(doc)), &passed);
  if (!stress.is_null()) passed = !stress["knee_rate"].is_null();
  if (!doc["soak"].is_null() && doc["soak"]["suspected_leak"].get<bool>()) passed = false;
  doc["aborted"] = acc.aborted;
  doc["abort_reason"] = acc.abort_reason.empty() ? json(nullptr) : json(acc.abort_reason);
  doc["passed"] = passed && !acc.aborted;
  auto annotations = annotate(series, acc.phases, acc.duration_s);
  return LoadRun{std::move(doc), std::move(series), std::move(annotations)};
}

json run_load(const Scenario& scenario, const RunOptions& options) {
  LoadRun run = execute_load(scenario, options);
  json series = json::array();
  for_each_series_point(run, [&](const json& point) { series.push_back(point); });
  run.document["series"] = std::move(series);
  return std::move(run.document);
}

}  // namespace neuro::load
