#include "load/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include "load/report/text_format.hpp"

namespace neuro::load_report {
namespace {

std::string px(double v) { return fixed(v, 1); }

struct Scale {
  const ChartGeometry& g;
  double x0, x1, y_top;
  double x(double v) const {
    if (x1 <= x0) return g.left + g.plot_width() / 2.0;
    return g.left + (v - x0) / (x1 - x0) * g.plot_width();
  }
  double y(double v) const { return g.top + g.plot_height() * (1.0 - v / y_top); }
};

void draw_axes(const Chart& chart, const Scale& s, std::string& out) {
  const ChartGeometry& g = s.g;
  for (int k = 0; k <= 4; ++k) {
    const double v = s.y_top * k / 4.0;
    const std::string y = px(s.y(v));
    out.append("<line class=\"grid\" x1=\"").append(px(g.left)).append("\" y1=\"").append(y);
    out.append("\" x2=\"").append(px(g.left + g.plot_width())).append("\" y2=\"").append(y);
    out.append("\"/>");
    out += "<text class=\"tick\" x=\"" + px(g.left - 6) + "\" y=\"" + px(s.y(v) + 4) +
           "\" text-anchor=\"end\">" + compact(v) + "</text>";
  }
  if (!chart.x.empty()) {
    // Ticks at multiples of a 1-2-5 step giving at most ~6 labels.
    const double step = s.x1 > s.x0 ? nice_ceiling((s.x1 - s.x0) / 6.0) : 1.0;
    for (double v = std::ceil(s.x0 / step) * step; v <= s.x1 + step * 1e-9; v += step) {
      out += "<text class=\"tick\" x=\"" + px(s.x(v)) + "\" y=\"" + px(g.height - g.bottom + 16) +
             "\" text-anchor=\"middle\">" + compact(v) + " s</text>";
    }
  }
  out += "<text class=\"unit\" x=\"4\" y=\"14\">" + html_escape(chart.y_unit) + "</text>";
  double legend_x = g.left;
  for (const auto& line : chart.lines) {
    out += "<rect x=\"" + px(legend_x) + "\" y=\"6\" width=\"12\" height=\"4\" fill=\"" +
           line.color + "\"/><text class=\"legend\" x=\"" + px(legend_x + 16) + "\" y=\"12\">" +
           html_escape(line.label) + "</text>";
    legend_x += 28.0 + 7.0 * static_cast<double>(line.label.size());
  }
}

void draw_line(const ChartLine& line, const std::vector<double>& x, const Scale& s,
               std::string& out) {
  const std::size_t n = std::min(line.values.size(), x.size());
  const std::string attrs = " class=\"series\" data-series=\"" + html_escape(line.label) + "\"";
  std::size_t i = 0;
  while (i < n) {
    if (!line.values[i]) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < n && line.values[end]) ++end;
    if (end - i == 1) {
      out += "<circle" + attrs + " cx=\"" + px(s.x(x[i])) + "\" cy=\"" + px(s.y(*line.values[i])) +
             "\" r=\"2.5\" fill=\"" + line.color + "\"/>";
    } else {
      out += "<polyline" + attrs + " fill=\"none\" stroke=\"" + line.color +
             "\" stroke-width=\"1.5\"" + (line.dashed ? " stroke-dasharray=\"6 4\"" : "") +
             " points=\"";
      for (std::size_t k = i; k < end; ++k) {
        if (k > i) out += ' ';
        out += px(s.x(x[k])) + "," + px(s.y(*line.values[k]));
      }
      out += "\"/>";
    }
    i = end;
  }
}

}  // namespace

double nice_ceiling(double value) {
  if (!(value > 0.0)) return 1.0;
  const double decade = std::pow(10.0, std::floor(std::log10(value)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * decade >= value * (1.0 - 1e-12)) return m * decade;
  }
  return 10.0 * decade;
}

std::string render_svg(const Chart& chart, const ChartGeometry& geometry) {
  double y_max = 0.0;
  for (const auto& line : chart.lines) {
    for (const auto& v : line.values) {
      if (v) y_max = std::max(y_max, *v);
    }
  }
  const double x0 = chart.x.empty() ? 0.0 : chart.x.front();
  const double x1 = chart.x.empty() ? 0.0 : chart.x.back();
  const Scale s{geometry, x0, x1, nice_ceiling(y_max)};
  std::string out = "<svg class=\"chart\" data-chart=\"" + html_escape(chart.id) +
                    "\" viewBox=\"0 0 " + px(geometry.width) + " " + px(geometry.height) +
                    "\" role=\"img\" aria-label=\"" + html_escape(chart.title) + "\"><title>" +
                    html_escape(chart.title) + "</title>";
  draw_axes(chart, s, out);
  for (const auto& line : chart.lines) draw_line(line, chart.x, s, out);
  if (chart.x.empty()) {
    out += "<text class=\"nodata\" x=\"" + px(geometry.width / 2) + "\" y=\"" +
           px(geometry.height / 2) + "\" text-anchor=\"middle\">no data</text>";
  }
  out += "</svg>";
  return out;
}

std::string render_data_table(const Chart& chart) {
  std::string out = "<table class=\"chart-data\" data-chart=\"" + html_escape(chart.id) +
                    "\"><thead><tr><th>t (s)</th>";
  for (const auto& line : chart.lines) {
    out += "<th>" + html_escape(line.label) + " (" + html_escape(chart.y_unit) + ")</th>";
  }
  out += "</tr></thead><tbody>";
  for (std::size_t i = 0; i < chart.x.size(); ++i) {
    out += "<tr><td>" + compact(chart.x[i]) + "</td>";
    for (const auto& line : chart.lines) {
      const auto& v = i < line.values.size() ? line.values[i] : std::nullopt;
      out += "<td>" + (v ? fixed(*v, chart.decimals) : std::string()) + "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table>";
  return out;
}

}  // namespace neuro::load_report
