// The series cut into windows for charts: a long soak has more points than a chart has pixels,
// so consecutive points are merged (histograms merged exactly, counts averaged per second).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "load/results/load_result.hpp"

namespace neuro::load_report {

// Charts draw at most this many points per line: ~1.5 px each on an 880 px wide chart.
inline constexpr std::size_t kMaxChartPoints = 600;

// Points per window for n points: 1 up to kMaxChartPoints, then ceil(n / kMaxChartPoints).
std::size_t window_size(std::size_t n);

struct SeriesWindow {
  std::int64_t t_s = 0;                    // of the window's first point
  double rps = 0.0;                        // requests per second over the window
  double errors_per_s = 0.0;               // likewise
  std::optional<double> users, rate;       // means of the points that have them
  std::optional<double> iterations_per_s;  // iterations begun; none when the series counts none
  std::optional<std::int64_t> p50_ns, p95_ns, p99_ns;  // none when the window saw no response
  double ws_in_per_s = 0.0, ws_out_per_s = 0.0;        // WebSocket messages per second
  // Of the latencies ws: steps measured in the window; none when it measured none.
  std::optional<std::int64_t> ws_p50_ns, ws_p95_ns, ws_p99_ns;
  // The run's time the window covers: less than its points' dt_s at the end of the run, 0 for
  // points after it (the drain: answers to requests sent before the end).
  double seconds = 0.0;
  bool drain() const { return seconds <= 0.0; }
};

// Consecutive points with the same t_s are one point split in two (a phase boundary inside a
// second, in documents written before the runner merged them); windows hold
// window_size(points) consecutive points (the last may hold fewer), each point dt_s seconds.
// With the run's duration, a point reaching past it (the last second of a 10.3 s run) covers
// only its part inside the run, and rates are per second of that part; a window after the end
// covers none (drain()): its counts are real, but a rate over a second it did not fill would
// draw a false drop to 0, so charts leave it out of rates.
std::vector<SeriesWindow> series_windows(const std::vector<load::SeriesPoint>& series,
                                         std::optional<double> duration_s = std::nullopt);
// The window length series_windows uses for `series`, in seconds (points per window x dt_s).
std::size_t series_window_seconds(const std::vector<load::SeriesPoint>& series);

}  // namespace neuro::load_report
