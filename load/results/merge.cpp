// merge_documents(): shards of one scenario into one document (result_document.hpp).
#include <algorithm>
#include <map>
#include <set>

#include "engine/common/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/result_document.hpp"
#include "load/results/series_merge.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

std::vector<Threshold> thresholds_of(const json& doc) {
  std::vector<Threshold> out;
  for (const auto& t : doc.value("thresholds", json::array())) {
    const auto parsed = parse_threshold(t.value("expression", ""));
    if (parsed.threshold) out.push_back(*parsed.threshold);
  }
  return out;
}

json merge_stress(const std::vector<json>& docs, const std::vector<std::string>& origins,
                  const std::vector<Threshold>& thresholds) {
  json out = docs[0].at("stress");
  json stages = json::array();
  for (std::size_t i = 0; i < docs[0].at("stress").at("stages").size(); ++i) {
    json stage = docs[0].at("stress").at("stages").at(i);
    SparseHistogram latency;
    std::int64_t requests = 0, errors = 0;
    double rate = 0;
    Observations target;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      const auto& st = docs[d].at("stress").at("stages");
      if (i >= st.size()) {
        throw common::InvalidArgument(origins[d] + ": $.stress.stages[" + std::to_string(i) +
                                      "]: missing (shards ran different stages)");
      }
      latency.merge(
          read_histogram(st.at(i).at("latency"), origins[d] + ": $.stress.stages[].latency"));
      requests += st.at(i).at("requests").get<std::int64_t>();
      errors += st.at(i).at("errors").get<std::int64_t>();
      rate += st.at(i).at("rate").get<double>();
      for (const char* key : {"target_cpu", "target_rss"}) {
        if (st.at(i).at("observed").contains(key)) {
          target[key] = std::max(target[key], st.at(i).at("observed").at(key).get<double>());
        }
      }
    }
    Window w;
    w.requests = requests;
    w.errors = errors;
    w.duration_s = stage["duration_s"].get<double>();
    w.latency = latency.to_histogram();
    Observations observed = observe(w);
    observed.insert(target.begin(), target.end());
    bool passed = false;
    const json verdicts = evaluate_thresholds(thresholds, observed, &passed);
    stage["rate"] = rate;
    stage["requests"] = requests;
    stage["errors"] = errors;
    stage["rps"] = w.requests / std::max(w.duration_s, 1e-9);
    stage["latency"] = latency.to_json();
    stage["percentiles_ms"] = percentiles_json(w.latency);
    stage["observed"] = observed;
    stage["passed"] = passed;
    stage["failed"] = json::array();
    for (const auto& v : verdicts) {
      if (!v["passed"].get<bool>()) stage["failed"].push_back(v["expression"]);
    }
    stages.push_back(stage);
  }
  json knee = nullptr;
  for (const auto& st : stages) {
    if (!st["passed"].get<bool>()) break;
    knee = st["rate"];
  }
  out["stages"] = stages;
  out["knee_rate"] = knee;
  return out;
}

// $.scenario.name, "" when the document names none.
std::string scenario_name(const json& doc) {
  const auto it = doc.find("scenario");
  if (it == doc.end() || !it->is_object()) return "";
  const auto name = it->find("name");
  return name != it->end() && name->is_string() ? name->get<std::string>() : "";
}

json merge_checked(const std::vector<json>& docs, const std::vector<std::string>& origins) {
  if (docs.empty()) throw common::InvalidArgument("merge: no documents");
  for (std::size_t d = 0; d < docs.size(); ++d) validate_document(docs[d], origins[d]);
  const json& first = docs[0];
  const int count = first.at("shard").value("count", 1);
  std::set<int> seen;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const auto& doc = docs[d];
    if (scenario_name(doc) != scenario_name(first)) {
      throw common::InvalidArgument(origins[d] + ": $.scenario.name: '" + scenario_name(doc) +
                                    "' differs from " + origins[0] + "'s '" + scenario_name(first) +
                                    "'");
    }
    if (doc.at("shard").value("count", 1) != count) {
      throw common::InvalidArgument(origins[d] + ": $.shard.count differs from " + origins[0] +
                                    "'s " + std::to_string(count));
    }
    if (!seen.insert(doc.at("shard").value("index", 0)).second) {
      throw common::InvalidArgument(origins[d] + ": $.shard.index " +
                                    std::to_string(doc.at("shard").value("index", 0)) +
                                    " appears twice");
    }
    if (doc.at("steps").size() != first.at("steps").size()) {
      throw common::InvalidArgument(
          origins[d] + ": $.steps: " + std::to_string(doc.at("steps").size()) + " steps, " +
          origins[0] + " has " + std::to_string(first.at("steps").size()));
    }
  }
  if (static_cast<int>(docs.size()) != count) {
    throw common::InvalidArgument("merge: got " + std::to_string(docs.size()) + " of " +
                                  std::to_string(count) + " shards");
  }

  json out = first;
  out["shard"] = {{"index", 0}, {"count", 1}, {"merged_from", count}};
  double duration = 0;
  std::string started = first.value("started_at", "");
  for (const auto& doc : docs) {
    duration = std::max(duration, doc.at("duration_s").get<double>());
    started = std::min(started, doc.value("started_at", started));
  }
  out["duration_s"] = duration;
  out["started_at"] = started;

  std::int64_t requests = 0, errors = 0;
  for (std::size_t i = 0; i < first.at("steps").size(); ++i) {
    json step = first.at("steps").at(i);
    SparseHistogram latency, service, poll, group;
    WsStats ws;
    std::int64_t checks_passed = 0, checks_failed = 0;
    bool has_service = !step["service_time"].is_null();
    std::int64_t n = 0;
    json kinds = json::object();
    for (std::size_t d = 0; d < docs.size(); ++d) {
      const auto& s = docs[d].at("steps").at(i);
      const std::string at = origins[d] + ": $.steps[" + std::to_string(i) + "]";
      if (s.value("name", "") != step.value("name", "")) {
        throw common::InvalidArgument(at + ".name: '" + s.value("name", "") + "' differs from " +
                                      origins[0] + "'s '" + step.value("name", "") + "'");
      }
      latency.merge(read_histogram(s.at("latency"), at + ".latency"));
      if (has_service && !s.value("service_time", json()).is_null()) {
        service.merge(read_histogram(s.at("service_time"), at + ".service_time"));
      }
      n += s.at("requests").get<std::int64_t>();
      if (s.contains("checks") && s.at("checks").is_object()) {
        checks_passed += s.at("checks").value("passed", std::int64_t{0});
        checks_failed += s.at("checks").value("failed", std::int64_t{0});
      }
      if (s.contains("poll") && s.at("poll").is_object()) {
        poll.merge(read_histogram(s.at("poll").at("latency"), at + ".poll.latency"));
      }
      if (s.contains("group") && s.at("group").is_object()) {
        group.merge(read_histogram(s.at("group").at("latency"), at + ".group.latency"));
      }
      if (s.contains("ws")) ws.merge(ws_from_json(s.at("ws"), at + ".ws"));
      for (const auto& [kind, value] : s.at("errors").items()) {
        kinds[kind] = kinds.value(kind, std::int64_t{0}) + value.get<std::int64_t>();
      }
    }
    step["requests"] = n;
    step["rps"] = duration > 0 ? static_cast<double>(n) / duration : 0.0;
    step["errors"] = kinds;
    step["latency"] = latency.to_json();
    step["service_time"] = has_service ? service.to_json() : json(nullptr);
    step["percentiles_ms"] = percentiles_json(latency.to_histogram());
    if (step.contains("checks"))
      step["checks"] = checks_json(checks_passed + checks_failed, checks_failed);
    if (step.contains("poll")) step["poll"] = poll_json(poll.to_histogram());
    if (step.contains("group")) step["group"] = poll_json(group.to_histogram());
    if (step.contains("ws")) step["ws"] = ws_json(ws, duration);
    out["steps"][i] = step;
    requests += n;
    for (const auto& [kind, value] : kinds.items()) errors += value.get<std::int64_t>();
  }
  out["totals"] = {{"requests", requests},
                   {"errors", errors},
                   {"rps", duration > 0 ? static_cast<double>(requests) / duration : 0.0}};

  if (first.contains("engine") && first.at("engine").is_object()) {
    json versions = json::object();
    for (const auto& doc : docs) {
      const json engine = doc.value("engine", json::object());
      const json counts = engine.value("responses_by_http_version", json::object());
      for (const auto& [v, n] : counts.items()) {
        versions[v] = versions.value(v, std::int64_t{0}) + n.get<std::int64_t>();
      }
    }
    out["engine"]["responses_by_http_version"] = versions;
  }

  out["series"] = merge_series(docs, origins);

  // Resources: shard 0's host view, the target view of whichever shard watched it, and every
  // shard's samples kept apart (they come from different machines).
  out["resources_by_shard"] = json::array();
  for (const auto& doc : docs) {
    out["resources_by_shard"].push_back({{"shard", doc.at("shard").value("index", 0)},
                                         {"resources", doc.value("resources", json())}});
    const json resources = doc.value("resources", json::object());
    const json target = resources.is_object() ? resources.value("target", json()) : json();
    if (out["resources"]["target"].empty() && target.is_array() && !target.empty()) {
      out["resources"]["target"] = target;
      out["soak"] = doc.value("soak", json());
    }
  }

  json client = first.value("client", json::object());
  int threads = 0;
  double cpu_s = 0;
  json warnings = json::array();
  for (const auto& doc : docs) {
    const auto c = doc.value("client", json::object());
    threads += c.value("threads", 0);
    cpu_s += c.value("cpu_s", 0.0);
    for (const auto& w : c.value("warnings", json::array())) {
      warnings.push_back("shard " + std::to_string(doc.at("shard").value("index", 0)) + ": " +
                         w.get<std::string>());
    }
  }
  client["threads"] = threads;
  client["cpu_s"] = cpu_s;
  client["cpu_us_per_request"] = requests ? cpu_s * 1e6 / static_cast<double>(requests) : 0.0;
  client["warnings"] = warnings;
  out["client"] = client;

  if (!first.value("open_model", json()).is_null()) {
    std::int64_t late = 0, dropped = 0;
    for (const auto& doc : docs) {
      const json open = doc.value("open_model", json());
      late += open.is_object() ? open.value("late_sends", std::int64_t{0}) : 0;
      dropped += open.is_object() ? open.value("dropped_sends", std::int64_t{0}) : 0;
    }
    out["open_model"] = {{"late_sends", late}, {"dropped_sends", dropped}};
  }
  const auto thresholds = thresholds_of(first);
  bool passed = true;
  if (first.contains("stress") && !first.at("stress").is_null()) {
    out["stress"] = merge_stress(docs, origins, thresholds);
  }
  const Window w = document_window(out);
  out["thresholds"] = evaluate_thresholds(thresholds, observe(w), &passed);
  if (!out["stress"].is_null()) {
    // A stress run is judged by its knee: thresholds are meant to break at the top.
    passed = !out["stress"]["knee_rate"].is_null();
  }
  out["passed"] = passed;
  return out;
}

}  // namespace

json merge_documents(const std::vector<json>& docs, const std::vector<std::string>& origins) {
  // validate_document checks what every document has; a member of another type, or missing
  // deeper down (a hand-edited or truncated file), must still end as one clear error naming the
  // files, never as a crash (found by fuzzing: a missing $.scenario read through const []).
  try {
    return merge_checked(docs, origins);
  } catch (const nlohmann::json::exception& e) {
    std::string files;
    for (const auto& o : origins) files += (files.empty() ? "" : ", ") + o;
    throw common::InvalidArgument("merge: " + files + ": not a result document of this shape (" +
                                  e.what() + ")");
  }
}

}  // namespace neuro::load
