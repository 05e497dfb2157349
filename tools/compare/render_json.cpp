// Machine-readable result: every benchmark with every metric, for dashboards and scripts.
#include <cmath>
#include <nlohmann/json.hpp>

#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

const char* direction_name(Direction d) {
  return d == Direction::kHigherIsBetter ? "higher" : d == Direction::kIgnore ? "ignore" : "lower";
}

}  // namespace

std::string render_json(const Comparison& comparison) {
  nlohmann::json doc;
  doc["mode"] = comparison.mode == Mode::kInstructions ? "instructions" : "time";
  doc["baseline"] = comparison.baseline_origins;
  doc["current"] = comparison.current_origins;
  doc["failed"] = comparison.failed();
  doc["warnings"] = comparison.warnings;
  doc["ignored"] = comparison.ignored;
  nlohmann::json speeds = nlohmann::json::array();
  for (const auto& m : comparison.machine_speed) {
    nlohmann::json entry = {{"benchmark", m.benchmark},
                            {"change", number_or_null(m.change)},
                            {"p_value", number_or_null(m.p_value < 0 ? NAN : m.p_value)},
                            {"applied", m.applied}};
    if (!m.group.empty()) entry["group"] = m.group;
    speeds.push_back(std::move(entry));
  }
  doc["machine_speed"] = std::move(speeds);
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [status, n] : comparison.counts()) counts[status_name(status)] = n;
  doc["counts"] = counts;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : comparison.benchmarks) {
    nlohmann::json entry = {{"name", b.name},
                            {"status", status_name(b.status)},
                            {"threshold", b.threshold},
                            {"alpha", b.alpha},
                            {"baseline_samples", b.baseline_samples},
                            {"current_samples", b.current_samples}};
    if (!b.group.empty()) entry["group"] = b.group;
    if (!b.detail.empty()) entry["detail"] = b.detail;
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : b.metrics) {
      metrics.push_back(nlohmann::json{{"name", m.name},
                                       {"direction", direction_name(m.direction)},
                                       {"gated", m.gated},
                                       {"baseline", number_or_null(m.baseline)},
                                       {"current", number_or_null(m.current)},
                                       {"change", number_or_null(m.change)},
                                       {"p_value", number_or_null(m.p_value < 0 ? NAN : m.p_value)},
                                       {"min_p", number_or_null(m.min_p < 0 ? NAN : m.min_p)},
                                       {"spread", m.spread},
                                       {"status", status_name(m.status)}});
    }
    entry["metrics"] = std::move(metrics);
    list.push_back(std::move(entry));
  }
  doc["benchmarks"] = std::move(list);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace neuro::compare
