// The `executor:` block of a scenario file (scenario_parse.cpp reads the rest).
#include "load/scenario/yaml_reader.hpp"

namespace neuro::load::detail {

void read_executor(const YAML::Node& node, Scenario& s, Reader& read) {
  auto& problems = read.problems;
  Executor& e = s.executor;
  if (!node || !node.IsMap()) {
    problems.add(node ? node : YAML::Node(), "executor", "missing: expected a mapping with type");
    return;
  }
  const std::string type = node["type"] ? Reader::scalar(node["type"]) : "";
  auto need = [&](const char* key) -> YAML::Node {
    if (!node[key]) problems.add(node, std::string("executor.") + key, "missing");
    return node[key];
  };
  auto dur = [&](const char* key, bool positive) {
    const auto n = need(key);
    return n ? read.duration(n, std::string("executor.") + key, 0, positive) : 0.0;
  };
  auto num = [&](const char* key, double min) {
    const auto n = need(key);
    return n ? read.number(n, std::string("executor.") + key, min, min) : min;
  };
  auto opt_conn = [&] {
    if (node["max_connections"]) {
      e.max_connections =
          static_cast<int>(read.number(node["max_connections"], "executor.max_connections", 1, 0));
    }
  };
  if (type == "constant-users") {
    e.kind = ExecutorKind::kConstantUsers;
    check_fields(node, "executor", {"type", "users", "ramp_up", "duration", "iterations"},
                 problems);
    e.users = static_cast<int>(num("users", 1));
    e.ramp_up_s =
        node["ramp_up"] ? read.duration(node["ramp_up"], "executor.ramp_up", 0, false) : 0;
    if (node["iterations"]) {
      e.iterations =
          static_cast<std::int64_t>(read.number(node["iterations"], "executor.iterations", 1, 1));
    }
    if (node["duration"] || !node["iterations"]) e.duration_s = dur("duration", true);
    if (e.iterations > 0 && !node["duration"]) e.duration_s = kIterationsOnlyDurationS;
  } else if (type == "constant-rate" || type == "soak") {
    e.kind = type == "soak" ? ExecutorKind::kSoak : ExecutorKind::kConstantRate;
    std::set<std::string> known = {"type", "rate", "duration", "max_connections"};
    if (type == "soak") known.insert("leak_threshold");
    check_fields(node, "executor", known, problems);
    e.start_rate = num("rate", 0);
    e.stages = {{dur("duration", true), e.start_rate}};
    if (e.start_rate <= 0 && node["rate"])
      problems.add(node["rate"], "executor.rate", "must be > 0");
    if (const auto l = node["leak_threshold"]) {
      const auto b = l.IsScalar() ? parse_bytes(l.Scalar()) : std::nullopt;
      if (!b || *b <= 0) {
        problems.add(l, "executor.leak_threshold", "expected a size like 50MB");
      } else {
        e.leak_threshold_bytes = *b;
      }
    }
    opt_conn();
  } else if (type == "ramping-rate") {
    e.kind = ExecutorKind::kRampingRate;
    check_fields(node, "executor", {"type", "start_rate", "stages", "max_connections"}, problems);
    e.start_rate =
        node["start_rate"] ? read.number(node["start_rate"], "executor.start_rate", 0, 0) : 0;
    const auto stages = need("stages");
    if (stages && (!stages.IsSequence() || stages.size() == 0)) {
      problems.add(stages, "executor.stages", "expected a list of {duration, target}");
    } else if (stages) {
      for (std::size_t i = 0; i < stages.size(); ++i) {
        const auto st = stages[i];
        const std::string f = "executor.stages[" + std::to_string(i) + "]";
        if (!st.IsMap() || !st["duration"] || !st["target"]) {
          problems.add(st, f, "expected {duration, target}");
          continue;
        }
        check_fields(st, f, {"duration", "target"}, problems);
        e.stages.push_back({read.duration(st["duration"], f + ".duration", 0, false),
                            read.number(st["target"], f + ".target", 0, 0)});
      }
    }
    opt_conn();
  } else if (type == "spike") {
    e.kind = ExecutorKind::kSpike;
    check_fields(node, "executor",
                 {"type", "rate", "spike_rate", "before", "spike", "after", "max_connections"},
                 problems);
    const double base = num("rate", 0), peak = num("spike_rate", 0);
    e.start_rate = base;
    e.stages = {{dur("before", false), base},
                {0, peak},
                {dur("spike", true), peak},
                {0, base},
                {dur("after", false), base}};
    opt_conn();
  } else if (type == "stress") {
    e.kind = ExecutorKind::kStress;
    check_fields(
        node, "executor",
        {"type", "start_rate", "step_rate", "step_duration", "max_rate", "max_connections"},
        problems);
    e.start_rate = num("start_rate", 0);
    e.step_rate = num("step_rate", 0);
    e.step_duration_s = dur("step_duration", true);
    e.max_rate = num("max_rate", 0);
    if (e.start_rate <= 0 && node["start_rate"]) {
      problems.add(node["start_rate"], "executor.start_rate", "must be > 0");
    }
    if (e.step_rate <= 0 && node["step_rate"]) {
      problems.add(node["step_rate"], "executor.step_rate", "must be > 0");
    }
    if (e.max_rate < e.start_rate && node["max_rate"]) {
      problems.add(node["max_rate"], "executor.max_rate", "must be >= start_rate");
    }
    opt_conn();
  } else {
    problems.add(node["type"] ? node["type"] : node, "executor.type",
                 "expected constant-users, constant-rate, ramping-rate, spike, stress or soak, "
                 "got '" +
                     type + "'");
  }
}

}  // namespace neuro::load::detail
