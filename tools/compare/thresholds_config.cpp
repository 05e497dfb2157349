#include "tools/compare/thresholds_config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/base/errors.hpp"
#include "engine/base/yaml_problems.hpp"

namespace neuro::compare {
namespace {

using Problems = base::YamlProblems;

std::optional<double> parse_number(std::string text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "10%" or 0.10; a bare number above 1 is refused because "10" is ambiguous.
std::optional<double> parse_fraction(const std::string& text) {
  if (!text.empty() && text.back() == '%') {
    const auto v = parse_number(text.substr(0, text.size() - 1));
    return v && *v > 0 ? std::optional<double>(*v / 100.0) : std::nullopt;
  }
  const auto v = parse_number(text);
  return v && *v > 0 && *v <= 1 ? v : std::nullopt;
}

std::optional<Direction> parse_direction(const std::string& text) {
  if (text == "lower") return Direction::kLowerIsBetter;
  if (text == "higher") return Direction::kHigherIsBetter;
  if (text == "ignore") return Direction::kIgnore;
  return std::nullopt;
}

// Reads the fields of `node` (a mapping) over `settings`; `where` is "rules[2]" or "defaults".
void read_settings(const YAML::Node& node, const std::string& where, bool is_rule,
                   Settings& settings, Problems& problems) {
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    const YAML::Node& value = item.second;
    std::string field = where;
    field.append(".").append(key);
    const bool scalar = value.IsScalar();
    const std::string text = scalar ? value.Scalar() : "";
    if (key == "match" && is_rule) {
      if (!scalar || text.empty()) problems.add(value, field, "expected a glob string");
    } else if (key == "threshold" || key == "instructions_threshold" || key == "noise") {
      const auto v = scalar ? parse_fraction(text) : std::nullopt;
      if (!v) {
        problems.add(value, field, "expected a fraction like 10% or 0.10, got '" + text + "'");
      } else {
        (key == "threshold" ? settings.threshold
         : key == "noise"   ? settings.noise
                            : settings.instructions_threshold) = *v;
      }
    } else if (key == "alpha") {
      const auto v = scalar ? parse_number(text) : std::nullopt;
      if (!v || !(*v > 0 && *v < 1)) {
        problems.add(value, field, "expected a number between 0 and 1, got '" + text + "'");
      } else {
        settings.alpha = *v;
      }
    } else if (key == "metric") {
      if (text == "auto") {
        settings.metric = TimeMetric::kAuto;
      } else if (text == "cpu_time") {
        settings.metric = TimeMetric::kCpuTime;
      } else if (text == "real_time") {
        settings.metric = TimeMetric::kRealTime;
      } else {
        problems.add(value, field, "expected auto, cpu_time or real_time, got '" + text + "'");
      }
    } else if (key == "ignore" && is_rule) {
      if (text == "true" || text == "false") {
        settings.ignore = text == "true";
      } else {
        problems.add(value, field, "expected true or false, got '" + text + "'");
      }
    } else if (key == "counters") {
      if (!value.IsMap()) {
        problems.add(value, field, "expected a mapping COUNTER_GLOB: lower|higher|ignore");
        continue;
      }
      std::vector<std::pair<std::string, Direction>> counters;
      for (const auto& c : value) {
        const auto d = c.second.IsScalar() ? parse_direction(c.second.Scalar()) : std::nullopt;
        if (!d) {
          problems.add(c.second, field + "." + c.first.Scalar(),
                       "expected lower, higher or ignore");
        } else {
          counters.emplace_back(c.first.Scalar(), *d);
        }
      }
      // A rule's counters come before the defaults' so that it can override them.
      counters.insert(counters.end(), settings.counters.begin(), settings.counters.end());
      settings.counters = std::move(counters);
    } else {
      problems.add(item.first, field,
                   is_rule ? "unknown field (match, threshold, instructions_threshold, alpha, "
                             "noise, metric, counters, ignore)"
                           : "unknown field (threshold, instructions_threshold, alpha, noise, "
                             "metric, counters)");
    }
  }
}

void read_calibration(const YAML::Node& node, Calibration& calibration, Problems& problems) {
  if (!node.IsMap()) {
    problems.add(node, "calibration", "expected a mapping (enabled, match, tolerance)");
    return;
  }
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    const YAML::Node& value = item.second;
    const std::string field = "calibration." + key;
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (key == "enabled") {
      if (text == "true" || text == "false") {
        calibration.enabled = text == "true";
      } else {
        problems.add(value, field, "expected true or false, got '" + text + "'");
      }
    } else if (key == "match") {
      if (text.empty()) problems.add(value, field, "expected a glob string");
      calibration.match = text;
    } else if (key == "tolerance") {
      const auto v = parse_fraction(text);
      if (!v) {
        problems.add(value, field, "expected a fraction like 3% or 0.03, got '" + text + "'");
      } else {
        calibration.tolerance = *v;
      }
    } else {
      problems.add(item.first, field, "unknown field (enabled, match, tolerance)");
    }
  }
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative wildcard match with one backtrack point: linear for practical patterns.
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const Settings& ThresholdsConfig::settings_for(const std::string& benchmark) const {
  for (const auto& rule : rules) {
    if (glob_match(rule.match, benchmark)) return rule.settings;
  }
  return defaults;
}

std::optional<Direction> counter_direction(const Settings& settings, const std::string& counter) {
  for (const auto& [glob, direction] : settings.counters) {
    if (glob_match(glob, counter)) return direction;
  }
  if (glob_match("*_per_second", counter)) return Direction::kHigherIsBetter;
  return std::nullopt;
}

ThresholdsConfig parse_thresholds(const std::string& yaml, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw base::InvalidArgument(origin + ":" + std::to_string(e.mark.line + 1) +
                                ": not valid YAML (" + e.msg + ")");
  }
  ThresholdsConfig config;
  Problems problems(origin);
  if (root.IsNull()) return config;
  if (!root.IsMap()) {
    problems.add(root, "(top level)", "expected a mapping with 'defaults' and 'rules'");
    problems.throw_if_any();
  }
  for (const auto& item : root) {
    const std::string key = item.first.Scalar();
    if (key != "defaults" && key != "rules" && key != "calibration") {
      problems.add(item.first, key, "unknown field (calibration, defaults, rules)");
    }
  }
  if (const auto calibration = root["calibration"]; calibration && !calibration.IsNull()) {
    read_calibration(calibration, config.calibration, problems);
  }
  if (const auto defaults = root["defaults"]; defaults) {
    if (defaults.IsMap()) {
      read_settings(defaults, "defaults", false, config.defaults, problems);
    } else if (!defaults.IsNull()) {
      problems.add(defaults, "defaults", "expected a mapping");
    }
  }
  if (const auto rules = root["rules"]; rules && !rules.IsNull()) {
    if (!rules.IsSequence()) problems.add(rules, "rules", "expected a list of rules");
    for (std::size_t i = 0; rules.IsSequence() && i < rules.size(); ++i) {
      const YAML::Node rule_node = rules[i];
      const std::string where = "rules[" + std::to_string(i) + "]";
      if (!rule_node.IsMap()) {
        problems.add(rule_node, where, "expected a mapping with 'match'");
        continue;
      }
      Rule rule;
      rule.line = rule_node.Mark().line + 1;
      rule.settings = config.defaults;
      read_settings(rule_node, where, true, rule.settings, problems);
      if (!rule_node["match"]) {
        problems.add(rule_node, where + ".match", "missing (a glob over benchmark names)");
      } else if (rule_node["match"].IsScalar()) {
        rule.match = rule_node["match"].Scalar();
      }
      config.rules.push_back(std::move(rule));
    }
  }
  problems.throw_if_any();
  return config;
}

ThresholdsConfig load_thresholds(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::InvalidArgument(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_thresholds(text.str(), path.string());
}

}  // namespace neuro::compare
