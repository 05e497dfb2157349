#include "load/report/svg_chart.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "load/report/report_test_util.hpp"

namespace neuro::load_report {
namespace {

using testing::count_of;

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

TEST(SvgChart, NiceCeiling) {
  EXPECT_DOUBLE_EQ(nice_ceiling(0.0), 1.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(-3.0), 1.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(0.7), 1.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(1.0), 1.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(1.01), 2.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(3.0), 5.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(7.0), 10.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(120.0), 200.0);
  EXPECT_DOUBLE_EQ(nice_ceiling(0.0042), 0.005);
}

// Vertices land where the axis definitions put them: x from [first t, last t] onto the plot
// width, y from [0, nice ceiling] onto the plot height, top down.
TEST(SvgChart, PolylineVerticesFollowTheAxes) {
  const ChartGeometry g;
  Chart chart{"c", "title", "ms", 1, {10, 20, 30, 40}, {{"a", "#000", {0.0, 35.0, 70.0, 17.5}}}};
  const std::string svg = render_svg(chart, g);
  // max 70 -> axis top 100.
  std::string expected;
  for (std::size_t i = 0; i < 4; ++i) {
    const double x = g.left + (chart.x[i] - 10.0) / 30.0 * g.plot_width();
    const double y = g.top + g.plot_height() * (1.0 - *chart.lines[0].values[i] / 100.0);
    if (i > 0) expected += ' ';
    expected += coord(x);
    expected += ',';
    expected += coord(y);
  }
  EXPECT_NE(svg.find("points=\"" + expected + "\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);  // top gridline label
  EXPECT_NE(svg.find(">50</text>"), std::string::npos);
}

TEST(SvgChart, GapsSplitTheLine) {
  Chart chart{"c",
              "t",
              "ms",
              1,
              {0, 1, 2, 3, 4, 5},
              {{"a", "#000", {1.0, std::nullopt, 2.0, 3.0, std::nullopt, 4.0}}}};
  const std::string svg = render_svg(chart);
  EXPECT_EQ(count_of(svg, "<polyline"), 1u);  // t = 2..3
  EXPECT_EQ(count_of(svg, "<circle"), 2u);    // t = 0 and t = 5 stand alone
  const std::string table = render_data_table(chart);
  EXPECT_NE(table.find("<tr><td>1</td><td></td></tr>"), std::string::npos);
  EXPECT_NE(table.find("<tr><td>3</td><td>3.0</td></tr>"), std::string::npos);
}

TEST(SvgChart, EscapesLabelsAndTitles) {
  Chart chart{"c", "<t>", "\"u\"", 1, {0, 1}, {{"<a&b>", "#000", {1.0, 2.0}}}};
  const std::string svg = render_svg(chart) + render_data_table(chart);
  EXPECT_EQ(svg.find("<t>"), std::string::npos);
  EXPECT_EQ(svg.find("<a&b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;a&amp;b&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;u&quot;"), std::string::npos);
}

TEST(SvgChart, EmptyChartSaysNoData) {
  const std::string svg = render_svg(Chart{"c", "t", "ms", 1, {}, {{"a", "#000", {}}}});
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
  EXPECT_EQ(count_of(svg, "<polyline"), 0u);
}

TEST(SvgChart, SinglePointIsCentred) {
  const ChartGeometry g;
  const std::string svg = render_svg(Chart{"c", "t", "ms", 1, {5}, {{"a", "#000", {1.0}}}}, g);
  EXPECT_NE(svg.find("cx=\"" + coord(g.left + g.plot_width() / 2) + "\""), std::string::npos);
}

}  // namespace
}  // namespace neuro::load_report
