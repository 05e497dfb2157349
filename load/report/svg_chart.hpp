// Line charts as inline SVG, generated here rather than drawn by JavaScript in the browser: the
// report then needs no script at all (it opens in mail clients, CI artifact viewers and browsers
// with JS off), the chart is fixed in the file that was archived, and tests can check the drawn
// coordinates without a browser. A data table beside each chart carries the exact numbers.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace neuro::load_report {

struct ChartLine {
  std::string label;
  std::string color;                          // CSS colour, ours (never from the document)
  std::vector<std::optional<double>> values;  // one per x; nullopt = no data (a gap)
  bool dashed = false;                        // a reference line (an intended rate)
};

struct Chart {
  std::string id;  // stable key for tests and anchors ("latency", "throughput")
  std::string title;
  std::string y_unit;     // axis caption ("ms", "req/s")
  int decimals = 1;       // digits shown in the data table
  std::vector<double> x;  // seconds since start, ascending
  std::vector<ChartLine> lines;
};

struct ChartGeometry {
  double width = 880.0, height = 240.0;
  double left = 64.0, right = 16.0, top = 30.0, bottom = 34.0;
  double plot_width() const { return width - left - right; }
  double plot_height() const { return height - top - bottom; }
};

// The smallest of 1, 2, 5 x 10^k that is >= value (the y axis top); 1 for value <= 0.
double nice_ceiling(double value);

// <svg> with axes, five y gridlines, x ticks in seconds, a legend, and one <polyline> per run of
// consecutive present values of each line (a lone point is a <circle>). x maps [x.front(),
// x.back()] onto the plot width, y maps [0, nice_ceiling(max value)] onto the plot height.
std::string render_svg(const Chart& chart, const ChartGeometry& geometry = {});

// <table class="chart-data" data-chart="ID">: t_s, then one column per line, "" for gaps.
std::string render_data_table(const Chart& chart);

}  // namespace neuro::load_report
