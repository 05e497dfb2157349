// Shared by the scenario parser's files: problems collected with their line
// and readers of typed YAML fields that report their own problem and return a fallback.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/base/yaml_problems.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/units.hpp"

namespace neuro::load::detail {

using Problems = base::YamlProblems;

struct Reader {
  Problems& problems;

  double duration(const YAML::Node& node, const std::string& field, double fallback,
                  bool positive) {
    const auto v = node.IsScalar() ? parse_duration_s(node.Scalar()) : std::nullopt;
    if (!v || *v < 0 || (positive && *v == 0)) {
      problems.add(node, field,
                   std::string("expected a ") + (positive ? "positive " : "") +
                       "duration like 500ms, 30s or 5m, got '" + scalar(node) + "'");
      return fallback;
    }
    return *v;
  }
  double number(const YAML::Node& node, const std::string& field, double min, double fallback) {
    const auto v = node.IsScalar() ? parse_plain_number(node.Scalar()) : std::nullopt;
    if (!v || *v < min) {
      problems.add(node, field,
                   "expected a number >= " + trim_number(min) + ", got '" + scalar(node) + "'");
      return fallback;
    }
    return *v;
  }
  bool boolean(const YAML::Node& node, const std::string& field) {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      return node.Scalar() == "true";
    }
    problems.add(node, field, "expected true or false, got '" + scalar(node) + "'");
    return false;
  }
  static std::string scalar(const YAML::Node& node) {
    return node.IsScalar() ? node.Scalar() : node.IsMap() ? "{...}" : "[...]";
  }
  static std::string trim_number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
};

inline void check_fields(const YAML::Node& node, const std::string& where,
                         const std::set<std::string>& known, Problems& problems) {
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      std::string field = where;
      if (!field.empty()) field += '.';
      field += key;
      problems.add(item.first, field, "unknown field (expected one of: " + list + ")");
    }
  }
}

// A step's expect, check, until/every/max (step_flow_parse.cpp).
void read_step_flow(const YAML::Node& node, const std::string& where, Reader& read, Step& step);
// A `ws:` step (ws_step_parse.cpp); `captured` names what earlier steps captured, `builtins`
// is set when it refers to ${user}, ${iteration}, ${uuid} or ${now}.
Step read_ws_step(const YAML::Node& node, const std::string& where, Reader& read,
                  const std::set<std::string>& captured, bool& builtins);
// A step's `multipart:` body into step.body and its content type (multipart_parse.cpp).
void read_multipart(const YAML::Node& node, const std::string& where, Reader& read, Step& step);
// A block of synthetic EEG {channels, rate, seconds[, seed]} as float32 bytes (scenario_parse.cpp).
std::string synthetic_eeg_bytes(const YAML::Node& node, const std::string& field, Reader& read);

// One step mapping (scenario_parse.cpp); `captured` holds the names earlier steps captured.
Step read_step(const YAML::Node& node, const std::string& where, Reader& read,
               std::set<std::string>& captured, bool is_auth, bool& builtins);
// `steps:` of the file `root`, with its choose and group blocks, laid out flat into s.steps,
// s.choices and s.groups (step_list_parse.cpp).
void read_step_list(const YAML::Node& root, Scenario& s, Reader& read,
                    std::set<std::string>& captured);

// The executor: mapping of `executor:` into s.executor.
void read_executor(const YAML::Node& node, Scenario& s, Reader& read);

}  // namespace neuro::load::detail
