#include "load/results/result_document.hpp"

#include <algorithm>

#include "engine/common/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

double mean_of(const nlohmann::json* samples, const char* key, double from, double to, bool* any) {
  double sum = 0;
  int n = 0;
  if (samples && samples->is_array()) {
    for (const auto& s : *samples) {
      const double t = s.value("t_s", 0.0);
      if (t < from || t > to || !s.contains(key) || !s[key].is_number()) continue;
      sum += s[key].get<double>();
      ++n;
    }
  }
  *any = n > 0;
  return n ? sum / n : 0.0;
}

double max_of(const nlohmann::json* samples, const char* key, double from, double to, bool* any) {
  double best = 0;
  *any = false;
  if (samples && samples->is_array()) {
    for (const auto& s : *samples) {
      const double t = s.value("t_s", 0.0);
      if (t < from || t > to || !s.contains(key) || !s[key].is_number()) continue;
      best = *any ? std::max(best, s[key].get<double>()) : s[key].get<double>();
      *any = true;
    }
  }
  return best;
}

}  // namespace

nlohmann::json percentiles_json(const common::LatencyHistogram& h) {
  return {{"p50", ms(h.percentile_ns(50))},     {"p90", ms(h.percentile_ns(90))},
          {"p95", ms(h.percentile_ns(95))},     {"p99", ms(h.percentile_ns(99))},
          {"p99.9", ms(h.percentile_ns(99.9))}, {"max", ms(h.max_ns())}};
}

nlohmann::json step_json(const std::string& name, const StepStats& s, double duration_s,
                         bool open_model) {
  nlohmann::json errors = nlohmann::json::object();
  for (std::size_t i = 0; i < s.errors.size(); ++i) errors[kErrorKindNames[i]] = s.errors[i];
  return {{"name", name},
          {"requests", s.requests},
          {"rps", duration_s > 0 ? static_cast<double>(s.requests) / duration_s : 0.0},
          {"errors", errors},
          {"latency", SparseHistogram::from(s.latency).to_json()},
          {"service_time",
           open_model ? SparseHistogram::from(s.service).to_json() : nlohmann::json(nullptr)},
          {"percentiles_ms", percentiles_json(s.latency)},
          {"checks", checks_json(s.checks, s.check_failures)},
          {"poll", poll_json(s.poll)},
          {"group", poll_json(s.group)},
          {"ws", ws_json(s.ws, duration_s)}};
}

nlohmann::json checks_json(std::int64_t checks, std::int64_t failures) {
  return {{"passed", checks - failures}, {"failed", failures}};
}

nlohmann::json poll_json(const common::LatencyHistogram& poll) {
  if (poll.count() == 0) return nullptr;
  return {{"count", poll.count()},
          {"latency", SparseHistogram::from(poll).to_json()},
          {"mean_ms", poll.mean_ns() / 1e6},
          {"percentiles_ms", percentiles_json(poll)}};
}

void add_step_flow(Window& w, const nlohmann::json& step, const std::string& where) {
  if (const auto c = step.find("checks"); c != step.end() && c->is_object()) {
    const auto failed = c->value("failed", std::int64_t{0});
    w.checks += c->value("passed", std::int64_t{0}) + failed;
    w.check_failures += failed;
  }
  if (const auto p = step.find("poll"); p != step.end() && p->is_object()) {
    w.poll.merge(read_histogram(p->at("latency"), where + ".poll.latency").to_histogram());
  }
  if (const auto g = step.find("group"); g != step.end() && g->is_object()) {
    w.group.merge(read_histogram(g->at("latency"), where + ".group.latency").to_histogram());
  }
  if (const auto ws = step.find("ws"); ws != step.end() && !ws->is_null()) {
    w.ws.merge(ws_from_json(*ws, where + ".ws"));
  }
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
  for (const auto& [prefix, h] :
       {std::pair<const char*, const common::LatencyHistogram*>{"poll_", &w.poll},
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
  const double cpu = mean_of(w.target, "cpu_percent", w.t_from_s, w.t_to_s, &any);
  if (any) o["target_cpu"] = cpu;
  const double rss = max_of(w.target, "rss_bytes", w.t_from_s, w.t_to_s, &any);
  if (any) o["target_rss"] = rss;
  const double host = mean_of(w.host, "cpu_percent", w.t_from_s, w.t_to_s, &any);
  if (any) o["host_cpu"] = host;
  return o;
}

Window document_window(const nlohmann::json& doc) {
  Window w;
  w.requests = doc.at("totals").at("requests").get<std::int64_t>();
  w.errors = doc.at("totals").at("errors").get<std::int64_t>();
  w.duration_s = doc.at("duration_s").get<double>();
  SparseHistogram all;
  for (const auto& step : doc.at("steps")) {
    all.merge(read_histogram(step.at("latency"), "steps[].latency"));
    add_step_flow(w, step, "steps[]");
  }
  w.latency = all.to_histogram();
  if (doc.contains("resources")) {
    w.target = &doc["resources"]["target"];
    w.host = &doc["resources"]["host"];
  }
  return w;
}

nlohmann::json evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                   const Observations& observed, bool* passed) {
  nlohmann::json out = nlohmann::json::array();
  *passed = true;
  for (const auto& t : thresholds) {
    const auto it = observed.find(t.metric);
    const bool ok = it != observed.end() && t.passes(it->second);
    if (!ok) *passed = false;
    out.push_back(
        {{"expression", t.expression},
         {"metric", t.metric},
         {"unit", metric_unit(t.metric)},
         {"observed", it != observed.end() ? nlohmann::json(it->second) : nlohmann::json(nullptr)},
         {"limit", t.limit},
         {"passed", ok}});
  }
  return out;
}

void validate_document(const nlohmann::json& doc, const std::string& origin) {
  auto fail = [&](const std::string& what) { throw common::InvalidArgument(origin + ": " + what); };
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
    read_histogram(s.value("latency", nlohmann::json()), origin + ": " + at + ".latency");
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
