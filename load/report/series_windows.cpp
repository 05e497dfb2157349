#include "load/report/series_windows.hpp"

#include <algorithm>

namespace neuro::load_report {
namespace {

struct Mean {
  double sum = 0.0;
  std::size_t n = 0;
  void add(double v) {
    sum += v;
    ++n;
  }
  std::optional<double> value() const {
    return n ? std::optional<double>(sum / static_cast<double>(n)) : std::nullopt;
  }
};

}  // namespace

std::size_t window_size(std::size_t n) {
  return n <= kMaxChartPoints ? 1 : (n + kMaxChartPoints - 1) / kMaxChartPoints;
}

// A run of phases (stress stages, spike stages) can end one phase and start the next within
// the same second: consecutive points with one t_s are that second, split in two.
std::vector<std::pair<std::size_t, std::size_t>> seconds_of(
    const std::vector<load::SeriesPoint>& series) {
  std::vector<std::pair<std::size_t, std::size_t>> seconds;  // [first point, end)
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (seconds.empty() || series[i].t_s != series[seconds.back().first].t_s) {
      seconds.emplace_back(i, i + 1);
    } else {
      seconds.back().second = i + 1;
    }
  }
  return seconds;
}

std::size_t series_window_seconds(const std::vector<load::SeriesPoint>& series) {
  const auto dt = series.empty() ? 1 : static_cast<std::size_t>(series.front().dt_s);
  return window_size(seconds_of(series).size()) * dt;
}

std::vector<SeriesWindow> series_windows(const std::vector<load::SeriesPoint>& series,
                                         std::optional<double> duration_s) {
  std::vector<SeriesWindow> out;
  if (series.empty()) return out;
  const auto seconds = seconds_of(series);
  const std::size_t w = window_size(seconds.size());
  // One histogram reused for every window, in the layout of the first point with latencies
  // (an empty point's layout is moot); layouts are checked by add_to.
  const auto with_data = std::find_if(
      series.begin(), series.end(), [](const load::SeriesPoint& p) { return p.latency.count > 0; });
  const load::SparseHistogram& layout =
      (with_data != series.end() ? *with_data : series.front()).latency;
  base::LatencyHistogram hist(layout.highest_ns, layout.significant_digits);
  // Likewise for the WebSocket latencies, in their own first point's layout.
  const auto with_ws = std::find_if(series.begin(), series.end(), [](const load::SeriesPoint& p) {
    return p.ws_latency && p.ws_latency->count > 0;
  });
  const load::SparseHistogram& ws_layout = with_ws != series.end() ? *with_ws->ws_latency : layout;
  base::LatencyHistogram ws_hist(ws_layout.highest_ns, ws_layout.significant_digits);
  // Writers leave `iterations` out of a point where none began: in a series that counts them
  // anywhere, a point without them is 0 (older documents count none and draw none).
  const bool counts_iterations =
      std::any_of(series.begin(), series.end(),
                  [](const load::SeriesPoint& p) { return p.iterations.has_value(); });
  for (std::size_t start = 0; start < seconds.size(); start += w) {
    const std::size_t end = std::min(seconds.size(), start + w);
    // Every point of a series covers dt_s seconds (load::parse_load_result checks they agree), but
    // none reaches past the end of the run.
    const auto dt = static_cast<double>(series.front().dt_s);
    double n_seconds = 0.0;
    for (std::size_t k = start; k < end; ++k) {
      const auto t = static_cast<double>(series[seconds[k].first].t_s);
      n_seconds += duration_s ? std::clamp(*duration_s - t, 0.0, dt) : dt;
    }
    SeriesWindow win;
    win.t_s = series[seconds[start].first].t_s;
    Mean users, rate;
    double requests = 0.0, errors = 0.0, ws_in = 0.0, ws_out = 0.0;
    double iterations = 0.0;
    hist.reset();
    ws_hist.reset();
    for (std::size_t i = seconds[start].first; i < seconds[end - 1].second; ++i) {
      const load::SeriesPoint& p = series[i];
      requests += static_cast<double>(p.requests);
      errors += static_cast<double>(p.errors);
      if (p.users) users.add(static_cast<double>(*p.users));
      if (p.rate) rate.add(*p.rate);
      iterations += static_cast<double>(p.iterations.value_or(0));
      ws_in += static_cast<double>(p.ws_in);
      ws_out += static_cast<double>(p.ws_out);
      load::add_to(p.latency, hist);
      if (p.ws_latency) load::add_to(*p.ws_latency, ws_hist);
    }
    const double per = n_seconds > 0.0 ? n_seconds : 1.0;  // a drain window: rates not drawn
    win.rps = requests / per;
    win.errors_per_s = errors / per;
    if (counts_iterations) win.iterations_per_s = iterations / per;
    win.ws_in_per_s = ws_in / per;
    win.ws_out_per_s = ws_out / per;
    win.seconds = n_seconds;
    win.users = users.value();
    win.rate = rate.value();
    if (hist.count() > 0) {
      win.p50_ns = hist.percentile_ns(50.0);
      win.p95_ns = hist.percentile_ns(95.0);
      win.p99_ns = hist.percentile_ns(99.0);
    }
    if (ws_hist.count() > 0) {
      win.ws_p50_ns = ws_hist.percentile_ns(50.0);
      win.ws_p95_ns = ws_hist.percentile_ns(95.0);
      win.ws_p99_ns = ws_hist.percentile_ns(99.0);
    }
    out.push_back(win);
  }
  return out;
}

}  // namespace neuro::load_report
