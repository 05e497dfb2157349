// JUnit XML: one test case per benchmark so that CI systems list regressions as failed tests;
// skipped and new benchmarks are <skipped/>, everything else passes with its numbers as output.
#include <sstream>

#include "engine/markup/escape.hpp"
#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

std::string xml(const std::string& s) { return markup::xml_escape(s); }

std::string describe(const BenchmarkComparison& b) {
  std::string text = status_name(b.status);
  for (const auto& m : b.metrics) {
    if (!m.gated) continue;
    text += "; " + m.name + " " + format_value(m, m.baseline) + " -> " +
            format_value(m, m.current) + " (" + format_change(m.change) + ", p " +
            format_p(m.p_value) + ", " + status_name(m.status) + ")";
  }
  if (!b.detail.empty()) text += "; " + b.detail;
  return text;
}

}  // namespace

std::string render_junit(const Comparison& comparison) {
  std::size_t failures = 0, skipped = 0;
  for (const auto& b : comparison.benchmarks) {
    failures += status_fails(b.status);
    skipped += b.status == Status::kSkipped || b.status == Status::kNew;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
      << "<testsuite name=\"neuroperf compare\" tests=\"" << comparison.benchmarks.size()
      << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\">\n";
  for (const auto& b : comparison.benchmarks) {
    out << "  <testcase classname=\"" << xml(b.group.empty() ? "neuroperf" : b.group)
        << "\" name=\"" << xml(b.name) << "\">";
    const std::string text = describe(b);
    if (status_fails(b.status)) {
      out << "<failure message=\"" << xml(text) << "\"/>";
    } else if (b.status == Status::kSkipped || b.status == Status::kNew) {
      out << "<skipped message=\"" << xml(text) << "\"/>";
    } else {
      out << "<system-out>" << xml(text) << "</system-out>";
    }
    out << "</testcase>\n";
  }
  out << "</testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace neuro::compare
