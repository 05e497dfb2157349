#include <cmath>
#include <cstdio>

#include "engine/base/errors.hpp"
#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

std::string printf_string(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string three_digits(double v) {
  const double a = std::abs(v);
  return printf_string(a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
}

}  // namespace

Format parse_format(const std::string& name) {
  if (name == "text") return Format::kText;
  if (name == "markdown") return Format::kMarkdown;
  if (name == "json") return Format::kJson;
  if (name == "junit") return Format::kJunit;
  if (name == "github") return Format::kGithub;
  throw base::InvalidArgument("--format: expected text, markdown, json, junit or github, got '" +
                              name + "'");
}

std::string render(const Comparison& comparison, Format format) {
  switch (format) {
    case Format::kText:
      return render_text(comparison);
    case Format::kMarkdown:
      return render_markdown(comparison);
    case Format::kJson:
      return render_json(comparison);
    case Format::kJunit:
      return render_junit(comparison);
    case Format::kGithub:
      return render_github(comparison);
  }
  return {};
}

std::string format_value(const MetricResult& metric, double v) {
  if (!std::isfinite(v)) return "n/a";
  if (metric.name == "cpu_time" || metric.name == "real_time") {
    static const char* const kUnits[] = {"ns", "us", "ms", "s"};
    std::size_t u = 0;
    while (std::abs(v) >= 1000.0 && u + 1 < std::size(kUnits)) {
      v /= 1000.0;
      ++u;
    }
    return three_digits(v) + " " + kUnits[u];
  }
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  std::size_t p = 0;
  while (std::abs(v) >= 1000.0 && p + 1 < std::size(kPrefixes)) {
    v /= 1000.0;
    ++p;
  }
  return three_digits(v) + kPrefixes[p];
}

std::string format_change(double change) {
  if (std::isinf(change)) return change > 0 ? "+inf%" : "-inf%";
  if (std::isnan(change)) return "n/a";
  return printf_string("%+.1f%%", change * 100.0);
}

std::string format_p(double p_value) {
  if (p_value < 0) return "-";
  return p_value < 0.0001 ? "<0.0001" : printf_string("%.4f", p_value);
}

std::string full_name(const BenchmarkComparison& b) {
  return b.group.empty() ? b.name : b.group + ": " + b.name;
}

std::string summary_line(const Comparison& comparison) {
  std::string line = std::to_string(comparison.benchmarks.size()) + " benchmarks";
  const char* sep = ": ";
  for (const auto& [status, n] : comparison.counts()) {
    line += sep + std::to_string(n) + " " + status_name(status);
    sep = ", ";
  }
  if (comparison.ignored > 0) line += " (" + std::to_string(comparison.ignored) + " ignored)";
  return line + (comparison.failed() ? " -> FAIL" : " -> PASS");
}

}  // namespace neuro::compare
