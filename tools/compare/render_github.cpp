// GitHub Actions workflow commands: failures as ::error, doubtful results and run warnings as
// ::warning, so they appear as annotations on the run; a ::notice carries the summary.
#include <sstream>

#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

// Workflow command data must escape %, CR and LF; properties also ':' and ','.
std::string escape(const std::string& s, bool property) {
  std::string out;
  for (const char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_github(const Comparison& comparison) {
  std::ostringstream out;
  for (const auto& w : comparison.warnings) {
    out << "::warning title=neuroperf compare::" << escape(w, false) << "\n";
  }
  for (const auto& b : comparison.benchmarks) {
    const bool fails = status_fails(b.status);
    if (!fails && b.status != Status::kSuspect && b.status != Status::kNoisy) continue;
    std::string message = std::string(status_name(b.status));
    for (const auto& m : b.metrics) {
      if (m.gated && m.status == b.status) {
        message += ": " + m.name + " " + format_value(m, m.baseline) + " -> " +
                   format_value(m, m.current) + " (" + format_change(m.change) + ", p " +
                   format_p(m.p_value) + ")";
        break;
      }
    }
    if (!b.detail.empty()) message += " - " + b.detail;
    out << (fails ? "::error" : "::warning") << " title=" << escape(full_name(b), true)
        << "::" << escape(message, false) << "\n";
  }
  out << "::notice title=neuroperf compare::" << escape(summary_line(comparison), false) << "\n";
  return out.str();
}

}  // namespace neuro::compare
