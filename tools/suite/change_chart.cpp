#include "tools/suite/change_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "engine/markup/escape.hpp"
#include "load/report/svg_chart.hpp"
#include "load/report/text_format.hpp"

namespace neuro::suite {
namespace {

using load_report::fixed;
using markup::html_escape;

constexpr double kWidth = 880.0, kLabelWidth = 330.0, kValueWidth = 170.0, kRowHeight = 18.0;
constexpr double kTop = 22.0, kBottom = 8.0;
constexpr std::size_t kMaxLabel = 52;

std::string label(const std::string& name) {
  return name.size() <= kMaxLabel ? name : name.substr(0, kMaxLabel - 3) + "...";
}

std::string signed_percent(double change) {
  if (!std::isfinite(change)) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f %%", change * 100.0);
  return text;
}

std::string p_text(const std::optional<double>& p) {
  if (!p) return "no test";
  if (*p < 0.0001) return "p < 0.0001";
  return "p = " + fixed(*p, *p < 0.01 ? 4 : 3);
}

}  // namespace

const char* status_colour(const std::string& status) {
  if (status == "regressed" || status == "errored" || status == "missing" || status == "failed") {
    return "#cf222e";
  }
  if (status == "suspect" || status == "noisy" || status == "unit-changed") return "#bf8700";
  if (status == "improved") return "#0969da";
  if (status == "ok") return "#1a7f37";
  return "#6e7781";  // new, skipped, not compared
}

std::string render_change_chart(const std::string& id, const std::vector<ChangeBar>& bars) {
  // Symmetric axis: the largest change or twice the largest threshold, rounded up to 1-2-5.
  double extent = 0.0;
  for (const auto& b : bars) {
    if (std::isfinite(b.change)) extent = std::max(extent, std::abs(b.change));
    extent = std::max(extent, 2.0 * b.threshold);
  }
  extent = load_report::nice_ceiling(std::max(extent * 100.0, 1.0)) / 100.0;
  const double plot_left = kLabelWidth, plot_width = kWidth - kLabelWidth - kValueWidth;
  const double zero = plot_left + plot_width / 2.0;
  auto x_of = [&](double change) {
    const double clamped = std::clamp(change, -extent, extent);
    return zero + clamped / extent * plot_width / 2.0;
  };
  const double height = kTop + kRowHeight * static_cast<double>(bars.size()) + kBottom;
  std::ostringstream svg;
  svg << "<svg class=\"change-chart\" data-exe=\"" << html_escape(id)
      << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << fixed(kWidth, 0) << " "
      << fixed(height, 0) << "\" role=\"img\" aria-label=\"change against the baseline\">";
  // Axis: -extent, 0, +extent.
  for (const double at : {-extent, 0.0, extent}) {
    const double x = x_of(at);
    svg << "<line class=\"grid\" x1=\"" << fixed(x, 1) << "\" y1=\"" << fixed(kTop - 4, 1)
        << "\" x2=\"" << fixed(x, 1) << "\" y2=\"" << fixed(height - kBottom, 1) << "\" stroke=\""
        << (at == 0.0 ? "#888" : "#e5e5e5") << "\"/><text x=\"" << fixed(x, 1)
        << "\" y=\"12\" text-anchor=\"middle\">" << (at > 0 ? "+" : "") << fixed(at * 100.0, 0)
        << " %</text>";
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const ChangeBar& b = bars[i];
    const double y = kTop + kRowHeight * static_cast<double>(i);
    const double change = std::isfinite(b.change) ? b.change : 0.0;
    const double x0 = std::min(zero, x_of(change)), x1 = std::max(zero, x_of(change));
    svg << "<g class=\"bar\" data-status=\"" << html_escape(b.status) << "\"><title>"
        << html_escape(b.name) << ": " << html_escape(b.status) << "</title><text x=\""
        << fixed(plot_left - 6, 1) << "\" y=\"" << fixed(y + 12, 1) << "\" text-anchor=\"end\">"
        << html_escape(label(b.name)) << "</text><rect x=\"" << fixed(x0, 1) << "\" y=\""
        << fixed(y + 3, 1) << "\" width=\"" << fixed(std::max(x1 - x0, 1.0), 1) << "\" height=\""
        << fixed(kRowHeight - 6, 1) << "\" fill=\"" << status_colour(b.status) << "\"/>";
    if (b.threshold > 0) {
      for (const double t : {-b.threshold, b.threshold}) {
        svg << "<line class=\"threshold\" x1=\"" << fixed(x_of(t), 1) << "\" y1=\""
            << fixed(y + 1, 1) << "\" x2=\"" << fixed(x_of(t), 1) << "\" y2=\""
            << fixed(y + kRowHeight - 1, 1) << "\" stroke=\"#555\" stroke-dasharray=\"2,2\"/>";
      }
    }
    svg << "<text class=\"value\" x=\"" << fixed(plot_left + plot_width + 6, 1) << "\" y=\""
        << fixed(y + 12, 1) << "\">" << signed_percent(b.change)

        << ", " << p_text(b.p_value) << "</text></g>";
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace neuro::suite
