#include "load/results/result_document.hpp"

#include <algorithm>

#include "engine/base/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// The mean and the largest of one field of the samples inside [from, to].
template <typename Sample, typename Field>
double mean_of(const std::vector<Sample>* samples, Field field, double from, double to, bool* any) {
  double sum = 0;
  int n = 0;
  if (samples) {
    for (const auto& s : *samples) {
      if (s.t_s < from || s.t_s > to) continue;
      sum += static_cast<double>(s.*field);
      ++n;
    }
  }
  *any = n > 0;
  return n ? sum / n : 0.0;
}

template <typename Sample, typename Field>
double max_of(const std::vector<Sample>* samples, Field field, double from, double to, bool* any) {
  double best = 0;
  *any = false;
  if (samples) {
    for (const auto& s : *samples) {
      if (s.t_s < from || s.t_s > to) continue;
      const auto v = static_cast<double>(s.*field);
      best = *any ? std::max(best, v) : v;
      *any = true;
    }
  }
  return best;
}

std::optional<FlowTimes> flow_times(const base::LatencyHistogram& h) {
  if (h.count() == 0) return std::nullopt;
  return FlowTimes{SparseHistogram::from(h), h.mean_ns() / 1e6};
}

}  // namespace

StepResult step_result(const std::string& name, const StepStats& s, double duration_s,
                       bool open_model) {
  StepResult r;
  r.name = name;
  r.requests = s.requests;
  r.rps = duration_s > 0 ? static_cast<double>(s.requests) / duration_s : 0.0;
  const auto error = [&](ErrorKind k) { return s.errors[static_cast<std::size_t>(k)]; };
  r.errors.connect = error(ErrorKind::kConnect);
  r.errors.read = error(ErrorKind::kRead);
  r.errors.write = error(ErrorKind::kWrite);
  r.errors.timeout = error(ErrorKind::kTimeout);
  r.errors.status_4xx = error(ErrorKind::kStatus4xx);
  r.errors.status_5xx = error(ErrorKind::kStatus5xx);
  r.errors.tls = error(ErrorKind::kTls);
  r.errors.status_unexpected = error(ErrorKind::kStatusUnexpected);
  r.errors.poll_timeout = error(ErrorKind::kPollTimeout);
  r.latency = SparseHistogram::from(s.latency);
  if (open_model) r.service_time = SparseHistogram::from(s.service);
  r.checks = Checks{s.checks - s.check_failures, s.check_failures};
  r.poll = flow_times(s.poll);
  r.group = flow_times(s.group);
  if (s.ws.used) r.ws = ws_result(s.ws, duration_s);
  if (s.read_lag.count() > 0) r.read_lag = SparseHistogram::from(s.read_lag);
  return r;
}

nlohmann::json step_json(const std::string& name, const StepStats& stats, double duration_s,
                         bool open_model) {
  return to_json(step_result(name, stats, duration_s, open_model));
}

Observations observe(const Window& w) {
  Observations o;
  const auto& h = w.latency;
  o["p50"] = ms(h.percentile_ns(50));
  o["p90"] = ms(h.percentile_ns(90));
  o["p95"] = ms(h.percentile_ns(95));
  o["p99"] = ms(h.percentile_ns(99));
  o["p99.9"] = ms(h.percentile_ns(99.9));
  o["max"] = ms(h.max_ns());
  o["mean"] = h.mean_ns() / 1e6;
  o["error_rate"] =
      w.requests ? 100.0 * static_cast<double>(w.errors) / static_cast<double>(w.requests) : 0.0;
  o["rps"] = w.duration_s > 0 ? static_cast<double>(w.requests) / w.duration_s : 0.0;
  // Absent when nothing was checked or polled: a threshold on them then fails as unobserved.
  if (w.checks > 0) {
    o["checks"] =
        100.0 * static_cast<double>(w.checks - w.check_failures) / static_cast<double>(w.checks);
  }
  // Absent without stamps (libcurl, older documents): a threshold on it then fails as unobserved.
  if (w.read_lag.count() > 0) {
    o["read_lag_p50"] = ms(w.read_lag.percentile_ns(50));
    o["read_lag_p99"] = ms(w.read_lag.percentile_ns(99));
  }
  for (const auto& [prefix, h] :
       {std::pair<const char*, const base::LatencyHistogram*>{"poll_", &w.poll},
        {"group_", &w.group}}) {
    if (h->count() == 0) continue;
    const std::string p = prefix;
    o[p + "p50"] = ms(h->percentile_ns(50));
    o[p + "p95"] = ms(h->percentile_ns(95));
    o[p + "p99"] = ms(h->percentile_ns(99));
    o[p + "max"] = ms(h->max_ns());
    o[p + "mean"] = h->mean_ns() / 1e6;
  }
  observe_ws(w.ws, w.duration_s, o);
  bool any = false;
  const double cpu = mean_of(w.target, &TargetSample::cpu_percent, w.t_from_s, w.t_to_s, &any);
  if (any) o["target_cpu"] = cpu;
  const double rss = max_of(w.target, &TargetSample::rss_bytes, w.t_from_s, w.t_to_s, &any);
  if (any) o["target_rss"] = rss;
  const double host = mean_of(w.host, &HostSample::cpu_percent, w.t_from_s, w.t_to_s, &any);
  if (any) o["host_cpu"] = host;
  return o;
}

Window result_window(const LoadResult& r) {
  Window w;
  w.requests = r.total_requests;
  w.errors = r.total_errors;
  w.duration_s = r.duration_s;
  SparseHistogram all;
  for (const auto& step : r.steps) {
    all.merge(step.latency);
    if (step.checks) {
      w.checks += step.checks->passed + step.checks->failed;
      w.check_failures += step.checks->failed;
    }
    if (step.poll) w.poll.merge(step.poll->latency.to_histogram());
    if (step.group) w.group.merge(step.group->latency.to_histogram());
    if (step.ws) w.ws.merge(ws_stats(*step.ws));
    if (step.read_lag) w.read_lag.merge(step.read_lag->to_histogram());
  }
  w.latency = all.to_histogram();
  w.target = &r.target_process;
  w.host = &r.host;
  return w;
}

std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                  const Observations& observed, bool* passed) {
  std::vector<ThresholdVerdict> out;
  *passed = true;
  for (const auto& t : thresholds) {
    const auto it = observed.find(t.metric);
    const bool ok = it != observed.end() && t.passes(it->second);
    if (!ok) *passed = false;
    out.push_back({t.expression, t.metric, metric_unit(t.metric),
                   it != observed.end() ? std::optional<double>(it->second) : std::nullopt, t.limit,
                   ok});
  }
  return out;
}

void validate_document(const nlohmann::json& doc, const std::string& origin) {
  auto fail = [&](const std::string& what) { throw base::InvalidArgument(origin + ": " + what); };
  if (!doc.is_object()) fail("expected a JSON object");
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string() || *schema != kResultSchema) {
    fail(std::string("$.schema: expected \"") + kResultSchema + "\"");
  }
  for (const char* key : {"totals", "steps", "series", "shard"}) {
    if (!doc.contains(key)) fail(std::string("$.") + key + ": missing");
  }
  if (!doc["steps"].is_array()) fail("$.steps: expected an array");
  for (std::size_t i = 0; i < doc["steps"].size(); ++i) {
    const auto& s = doc["steps"][i];
    const std::string at = "$.steps[" + std::to_string(i) + "]";
    if (!s.is_object()) fail(at + ": expected an object");
    if (!s.contains("requests") || !s["requests"].is_number_integer()) {
      fail(at + ".requests: expected an integer");
    }
    if (!s.contains("errors") || !s["errors"].is_object()) fail(at + ".errors: expected an object");
    std::string latency_at = origin;
    latency_at.append(": ").append(at).append(".latency");
    read_histogram(s.value("latency", nlohmann::json()), latency_at);
  }
  if (!doc["series"].is_array()) fail("$.series: expected an array");
  if (!doc["totals"].is_object()) fail("$.totals: expected an object");
  if (!doc["totals"].contains("requests") || !doc["totals"]["requests"].is_number_integer()) {
    fail("$.totals.requests: expected an integer");
  }
  if (!doc.contains("duration_s") || !doc["duration_s"].is_number()) {
    fail("$.duration_s: expected a number");
  }
}

}  // namespace neuro::load
