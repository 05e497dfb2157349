// Markdown for a CI job summary or a pull-request comment: the verdict first, then the
// benchmarks that need a look, then everything inside a collapsed block.
#include <sstream>

#include "engine/markup/escape.hpp"
#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

std::string cell(const std::string& s) { return markup::markdown_table_pipes(s); }

void table(std::ostringstream& out, const Comparison& comparison, bool only_attention) {
  out << "| status | benchmark | metric | baseline | current | change | p |\n"
         "|---|---|---|---:|---:|---:|---:|\n";
  for (const auto& b : comparison.benchmarks) {
    if (only_attention && (b.status == Status::kOk || b.status == Status::kUnitChanged)) continue;
    out << "| " << (status_fails(b.status) ? "**" : "") << status_name(b.status)
        << (status_fails(b.status) ? "**" : "") << " | `" << cell(full_name(b)) << "`";
    if (!b.detail.empty()) out << " (" << cell(b.detail) << ")";
    if (b.metrics.empty()) {
      out << " | | | | | |\n";
      continue;
    }
    const MetricResult* m = &b.metrics.front();
    for (const auto& candidate : b.metrics) {
      if (candidate.gated && candidate.status == b.status) {
        m = &candidate;
        break;
      }
    }
    out << " | " << m->name << " | " << format_value(*m, m->baseline) << " | "
        << format_value(*m, m->current) << " | " << format_change(m->change) << " | "
        << format_p(m->p_value) << " |\n";
  }
}

}  // namespace

std::string render_markdown(const Comparison& comparison) {
  std::ostringstream out;
  out << "## neuroperf compare: " << (comparison.failed() ? "FAIL" : "PASS") << "\n\n"
      << summary_line(comparison) << "\n\n";
  for (const auto& w : comparison.warnings) out << "> **warning:** " << cell(w) << "\n>\n";
  if (!comparison.warnings.empty()) out << "\n";
  bool attention = false;
  for (const auto& b : comparison.benchmarks) {
    attention = attention || (b.status != Status::kOk && b.status != Status::kUnitChanged);
  }
  if (attention) {
    table(out, comparison, true);
    out << "\n";
  }
  out << "<details><summary>All " << comparison.benchmarks.size() << " benchmarks</summary>\n\n";
  table(out, comparison, false);
  out << "\n</details>\n";
  return out.str();
}

}  // namespace neuro::compare
