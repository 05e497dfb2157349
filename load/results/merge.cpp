// merge_results(): shards of one scenario into one result (result_document.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engine/base/errors.hpp"
#include "load/results/result_document.hpp"
#include "load/results/series_merge.hpp"
#include "load/results/ws_stats.hpp"

namespace neuro::load {
namespace {

std::vector<Threshold> thresholds_of(const LoadResult& r) {
  std::vector<Threshold> out;
  for (const auto& t : r.thresholds) {
    const auto parsed = parse_threshold(t.expression);
    if (parsed.threshold) out.push_back(*parsed.threshold);
  }
  return out;
}

// A poll's or group's times added up as merge has always written them: through a
// LatencyHistogram, whose buckets, min, max and percentiles are exact but whose sum is rebuilt
// from the buckets' lower bounds (so mean_ms is the buckets' mean, not the shards').
std::optional<FlowTimes> flow_times(const SparseHistogram& merged) {
  if (merged.count == 0) return std::nullopt;
  const base::LatencyHistogram h = merged.to_histogram();
  return FlowTimes{SparseHistogram::from(h), h.mean_ns() / 1e6};
}

[[noreturn]] void refuse(const std::string& what) { throw base::InvalidArgument(what); }

Stress merge_stress(const std::vector<LoadResult>& docs, const std::vector<std::string>& origins,
                    const std::vector<Threshold>& thresholds) {
  Stress out = *docs[0].stress;
  std::vector<StressStage> stages;
  for (std::size_t i = 0; i < docs[0].stress->stages.size(); ++i) {
    StressStage stage = docs[0].stress->stages[i];
    const std::string at = "$.stress.stages[" + std::to_string(i) + "]";
    SparseHistogram latency;
    std::int64_t requests = 0, errors = 0;
    double rate = 0;
    Observations target;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      if (!docs[d].stress) refuse(origins[d] + ": $.stress: missing (shards ran different stages)");
      const auto& st = docs[d].stress->stages;
      if (i >= st.size()) {
        refuse(origins[d] + ": " + at + ": missing (shards ran different stages)");
      }
      if (!st[i].latency || !st[i].requests || !st[i].errors) {
        refuse(origins[d] + ": " + at + ": expected its requests, errors and latency");
      }
      latency.merge(*st[i].latency);
      requests += *st[i].requests;
      errors += *st[i].errors;
      rate += st[i].rate;
      if (!st[i].observed) refuse(origins[d] + ": " + at + ".observed: missing");
      // No histogram per stage for these: the largest shard's figure bounds the merged one.
      for (const char* key : {"target_cpu", "target_rss", "read_lag_p50", "read_lag_p99"}) {
        if (const auto it = st[i].observed->find(key); it != st[i].observed->end()) {
          target[key] = std::max(target[key], it->second);
        }
      }
    }
    if (!stage.duration_s) refuse(origins[0] + ": " + at + ".duration_s: missing");
    Window w;
    w.requests = requests;
    w.errors = errors;
    w.duration_s = *stage.duration_s;
    w.latency = latency.to_histogram();
    Observations observed = observe(w);
    observed.insert(target.begin(), target.end());
    bool passed = false;
    const auto verdicts = evaluate_thresholds(thresholds, observed, &passed);
    stage.rate = rate;
    stage.requests = requests;
    stage.errors = errors;
    stage.rps = static_cast<double>(w.requests) / std::max(w.duration_s, 1e-9);
    stage.latency = latency;
    stage.observed = observed;
    stage.passed = passed;
    stage.failed.clear();
    for (const auto& v : verdicts) {
      if (!v.passed) stage.failed.push_back(v.expression);
    }
    stages.push_back(std::move(stage));
  }
  out.knee_rate.reset();
  for (const auto& st : stages) {
    if (!st.passed) break;
    out.knee_rate = st.rate;
  }
  out.stages = std::move(stages);
  return out;
}

void check_shards(const std::vector<LoadResult>& docs, const std::vector<std::string>& origins) {
  const LoadResult& first = docs[0];
  const std::int64_t count = first.shard_count;
  std::set<std::int64_t> seen;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const auto& doc = docs[d];
    if (doc.scenario_name != first.scenario_name) {
      refuse(origins[d] + ": $.scenario.name: '" + doc.scenario_name + "' differs from " +
             origins[0] + "'s '" + first.scenario_name + "'");
    }
    if (doc.shard_count != count) {
      refuse(origins[d] + ": $.shard.count differs from " + origins[0] + "'s " +
             std::to_string(count));
    }
    if (!seen.insert(doc.shard_index).second) {
      refuse(origins[d] + ": $.shard.index " + std::to_string(doc.shard_index) + " appears twice");
    }
    if (doc.steps.size() != first.steps.size()) {
      refuse(origins[d] + ": $.steps: " + std::to_string(doc.steps.size()) + " steps, " +
             origins[0] + " has " + std::to_string(first.steps.size()));
    }
  }
  if (static_cast<std::int64_t>(docs.size()) != count) {
    refuse("merge: got " + std::to_string(docs.size()) + " of " + std::to_string(count) +
           " shards");
  }
}

ErrorCounts& operator+=(ErrorCounts& a, const ErrorCounts& b) {
  a.connect += b.connect;
  a.read += b.read;
  a.write += b.write;
  a.timeout += b.timeout;
  a.status_4xx += b.status_4xx;
  a.status_5xx += b.status_5xx;
  a.tls += b.tls;
  a.status_unexpected += b.status_unexpected;
  a.poll_timeout += b.poll_timeout;
  return a;
}

StepResult merge_step(const std::vector<LoadResult>& docs, const std::vector<std::string>& origins,
                      std::size_t i, double duration) {
  StepResult step = docs[0].steps[i];
  SparseHistogram latency, service, poll, group, read_lag;
  bool lagged = false;
  WsStats ws;
  Checks checks;
  ErrorCounts errors;
  std::int64_t n = 0;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const StepResult& s = docs[d].steps[i];
    const std::string at = origins[d] + ": $.steps[" + std::to_string(i) + "]";
    if (s.name != step.name) {
      refuse(at + ".name: '" + s.name + "' differs from " + origins[0] + "'s '" + step.name + "'");
    }
    latency.merge(s.latency);
    if (step.service_time && s.service_time) service.merge(*s.service_time);
    n += s.requests;
    if (s.checks) {
      checks.passed += s.checks->passed;
      checks.failed += s.checks->failed;
    }
    if (s.poll) poll.merge(s.poll->latency);
    if (s.group) group.merge(s.group->latency);
    if (s.ws) ws.merge(ws_stats(*s.ws));
    if (s.read_lag) {
      read_lag.merge(*s.read_lag);
      lagged = true;
    }
    errors += s.errors;
  }
  step.requests = n;
  step.rps = duration > 0 ? static_cast<double>(n) / duration : 0.0;
  step.errors = errors;
  step.latency = latency;
  if (step.service_time) step.service_time = service;
  if (step.checks) step.checks = checks;
  step.poll = flow_times(poll);
  step.group = flow_times(group);
  step.ws = ws.used ? std::optional<WsResult>(ws_result(ws, duration)) : std::nullopt;
  // The shards' stamped answers (a shard over libcurl has none).
  step.read_lag = lagged ? std::optional<SparseHistogram>(read_lag) : std::nullopt;
  return step;
}

}  // namespace

LoadResult merge_results(const std::vector<LoadResult>& docs,
                         const std::vector<std::string>& origins) {
  if (docs.empty()) refuse("merge: no documents");
  check_shards(docs, origins);
  const LoadResult& first = docs[0];
  LoadResult out = first;
  out.shard_index = 0;
  out.shard_count = 1;
  out.merged_from = first.shard_count;
  double duration = 0;
  std::string started = first.started_at;
  for (const auto& doc : docs) {
    duration = std::max(duration, doc.duration_s);
    started = std::min(started, doc.started_at);
  }
  out.duration_s = duration;
  out.started_at = started;

  std::int64_t requests = 0, errors = 0;
  for (std::size_t i = 0; i < first.steps.size(); ++i) {
    out.steps[i] = merge_step(docs, origins, i, duration);
    requests += out.steps[i].requests;
    errors += out.steps[i].errors.total();
  }
  out.total_requests = requests;
  out.total_errors = errors;
  out.total_rps = duration > 0 ? static_cast<double>(requests) / duration : 0.0;
  // Merge has never written the totals' checks (each step has its own): kept so, for now.
  out.total_checks.reset();

  if (out.engine) {
    out.engine->responses_by_http_version.clear();
    for (const auto& doc : docs) {
      if (!doc.engine) continue;
      for (const auto& [v, n] : doc.engine->responses_by_http_version) {
        out.engine->responses_by_http_version[v] += n;
      }
    }
  }

  out.series = merge_series(docs, origins);

  // Resources: shard 0's host view, the target view of whichever shard watched it, and every
  // shard's samples kept apart (they come from different machines).
  out.resources_by_shard.emplace();
  for (const auto& doc : docs) {
    out.resources_by_shard->push_back({doc.shard_index, doc.host, doc.target_process});
    if (out.target_process.empty() && !doc.target_process.empty()) {
      out.target_process = doc.target_process;
      out.soak = doc.soak;
    }
  }

  ClientInfo client = first.client.value_or(ClientInfo{});
  client.threads = 0;
  client.cpu_s = 0;
  client.warnings.clear();
  client.peak_connections = 0;
  for (const auto& doc : docs) {
    if (!doc.client) continue;
    client.threads += doc.client->threads;
    client.cpu_s += doc.client->cpu_s;
    // Shards run at once: their peaks add up (none when a shard's document predates them).
    if (client.peak_connections && doc.client->peak_connections) {
      *client.peak_connections += *doc.client->peak_connections;
    } else {
      client.peak_connections.reset();
    }
    for (const auto& w : doc.client->warnings) {
      client.warnings.push_back("shard " + std::to_string(doc.shard_index) + ": " + w);
    }
  }
  client.cpu_us_per_request = requests ? client.cpu_s * 1e6 / static_cast<double>(requests) : 0.0;
  out.client = client;

  if (first.open_model) {
    OpenModel open;
    for (const auto& doc : docs) {
      if (!doc.open_model) continue;
      open.late_sends += doc.open_model->late_sends;
      open.dropped_sends += doc.open_model->dropped_sends;
    }
    out.open_model = open;
  }
  const auto thresholds = thresholds_of(first);
  if (first.stress) out.stress = merge_stress(docs, origins, thresholds);
  bool passed = true;
  out.thresholds = evaluate_thresholds(thresholds, observe(result_window(out)), &passed);
  // A stress run is judged by its knee: thresholds are meant to break at the top.
  if (out.stress) passed = out.stress->knee_rate.has_value();
  out.passed = passed;
  return out;
}

std::vector<LoadResult> read_shards(const std::vector<nlohmann::json>& docs,
                                    const std::vector<std::string>& origins) {
  std::vector<LoadResult> out;
  out.reserve(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    validate_document(docs[d], origins[d]);
    try {
      out.push_back(parse_shard_result(docs[d]));
    } catch (const base::InvalidArgument& e) {
      refuse(origins[d] + ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      // The reader checks every member's type; this is a net for what it may have missed (a
      // hand-edited or truncated file must end as one clear error, never as a crash).
      refuse(origins[d] + ": not a result document of this shape (" + e.what() + ")");
    }
  }
  return out;
}

nlohmann::json merge_documents(const std::vector<nlohmann::json>& docs,
                               const std::vector<std::string>& origins) {
  if (docs.empty()) refuse("merge: no documents");
  return to_json(merge_results(read_shards(docs, origins), origins));
}

}  // namespace neuro::load
