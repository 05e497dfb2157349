#include "load/run/runner.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "engine/base/errors.hpp"
#include "load/engine/curl/curl_exchange.hpp"
#include "load/results/result_writer.hpp"
#include "load/run/client_warnings.hpp"
#include "load/run/phase.hpp"
#include "load/run/plan.hpp"
#include "load/run/run_document.hpp"
#include "load/run/run_totals.hpp"
#include "load/run/verdict.hpp"

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
  // The file's `http: 2` is refused while parsing; --http2 comes after it.
  if (s.http2 && s.uses_websocket()) {
    throw base::InvalidArgument(std::string("--http2: ") + kWsOverHttp2);
  }
  Prepared p;
  p.target = resolve_target(s.target);
  check_reachable(p.target, s.target, std::min(s.timeout_s, 5.0));
  if (s.auth) {
    const std::string where = s.target + s.auth->path;
    Exchange answer;
    if (s.uses_libcurl()) {
      try {
        answer = curl_exchange_once(p.target.url, transport_of(s), *s.auth, s.timeout_s);
      } catch (const base::Error& e) {
        throw base::Error(base::ExitCode::kUnreachable, std::string("auth step ") + e.what());
      }
    } else {
      const auto request = serialize_request(*s.auth, p.target.url, "", {});
      answer = exchange_once(p.target, request, s.auth->method == "HEAD", s.timeout_s);
    }
    if (answer.status >= 400) {
      throw base::Error(base::ExitCode::kUnreachable,
                        "auth step " + where + ": status " + std::to_string(answer.status));
    }
    for (const auto& c : s.auth->captures) {
      const auto value = capture_json(answer.body, c.json_path);
      if (value.empty()) {
        throw base::Error(base::ExitCode::kUnreachable,
                          "auth step " + where + ": response has no '" + c.json_path + "'");
      }
      p.variables[c.name] = value;
    }
    p.auth_header = substitute(s.auth_header, p.variables);
  }
  return p;
}

// Runs the planned phases in order on one time axis; a stress run stops after the first stage
// that breaks a threshold. Returns the result's "stress" (none for other executors).
std::optional<Stress> run_phases(const Scenario& s, const RunOptions& o, const Prepared& prepared,
                                 const RunPlan& plan, Progress& progress, SeriesStore& series,
                                 RunTotals& totals) {
  if (!plan.stress) {
    const PhasePlan& phase = plan.phases.front();
    add_phase(totals, run_phase(s, prepared, phase, progress, series), phase);
    return std::nullopt;
  }
  Stress stress;
  double offset = 0;
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    PhasePlan phase = plan.phases[i];
    phase.t_offset_s = offset;
    const double rate = plan.stage_rates[i];
    const PhaseResult r = run_phase(s, prepared, phase, progress, series);
    add_phase(totals, r, phase);
    StressStage stage = stage_result(s, r, phase, rate / o.shard_count, totals.target);
    const bool passed = stage.passed;
    progress.message("neuroperf load: stage " + std::to_string(stress.stages.size()) + " at " +
                     std::to_string(static_cast<long long>(rate)) + " req/s " +
                     (passed ? "held every threshold" : "broke a threshold"));
    stress.stages.push_back(std::move(stage));
    if (!passed) break;
    stress.knee_rate = rate / o.shard_count;
    offset += r.duration_s;
  }
  return stress;
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
    throw base::InvalidArgument("--shard: expected i/N with 0 <= i < N, got '" + text + "'");
  }
  *index = i;
  *count = n;
}

LoadRun execute_load(const Scenario& s, const RunOptions& o) {
  const Prepared prepared = prepare(s);
  const RunPlan plan = plan_run(s, o);
  Progress progress(o.progress, o.quiet);
  RunTotals totals;
  SeriesStore series(o.series_bucket_budget);
  const std::string started_at = utc_now();
  std::optional<Stress> stress = run_phases(s, o, prepared, plan, progress, series, totals);
  progress.finish();

  LoadResult result = run_result(s, o, plan, totals, started_at);
  result.client->warnings = client_warnings(s, o, plan, totals);
  result.stress = std::move(stress);
  result.soak = soak_result(s.executor, totals);
  judge(result, s, totals);
  auto annotations = annotate(series, totals.phases, totals.duration_s);
  return LoadRun{std::move(result), std::move(series), std::move(annotations)};
}

json run_load(const Scenario& scenario, const RunOptions& options) {
  LoadRun run = execute_load(scenario, options);
  for_each_series_point(run, [&](const SeriesPoint& p) { run.result.series.push_back(p); });
  return to_json(run.result);
}

}  // namespace neuro::load
