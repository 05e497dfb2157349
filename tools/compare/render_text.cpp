// The console table: one line per benchmark with its deciding metric, plus a line for each other
// gated metric that is not ok, so that a counter regression is never hidden.
#include <algorithm>
#include <sstream>

#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

const MetricResult* deciding_metric(const BenchmarkComparison& b) {
  for (const auto& m : b.metrics) {
    if (m.gated && m.status == b.status) return &m;
  }
  return b.metrics.empty() ? nullptr : &b.metrics.front();
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string render_text(const Comparison& comparison) {
  std::ostringstream out;
  for (const auto& w : comparison.warnings) out << "warning: " << w << "\n";
  std::size_t name_width = 9;
  for (const auto& b : comparison.benchmarks)
    name_width = std::max(name_width, full_name(b).size());
  name_width = std::min<std::size_t>(name_width, 72);
  out << pad("status", 13) << pad("benchmark", name_width + 2) << pad("metric", 20)
      << pad("baseline", 12) << pad("current", 12) << pad("change", 10) << "p\n";
  auto line = [&](const std::string& status, const std::string& name, const MetricResult* m,
                  const std::string& detail) {
    out << pad(status, 13) << pad(name, name_width + 2);
    if (m != nullptr) {
      out << pad(m->name, 20) << pad(format_value(*m, m->baseline), 12)
          << pad(format_value(*m, m->current), 12) << pad(format_change(m->change), 10)
          << format_p(m->p_value);
    }
    if (!detail.empty()) out << (m != nullptr ? "  " : "") << "(" << detail << ")";
    out << "\n";
  };
  for (const auto& b : comparison.benchmarks) {
    const MetricResult* shown = deciding_metric(b);
    line(status_name(b.status), full_name(b), shown, b.detail);
    for (const auto& m : b.metrics) {
      if (&m != shown && m.gated && m.status != Status::kOk) {
        line(std::string("  ") + status_name(m.status), "", &m, "");
      }
    }
  }
  out << summary_line(comparison) << "\n";
  return out.str();
}

}  // namespace neuro::compare
