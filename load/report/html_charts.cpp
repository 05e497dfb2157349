#include "load/report/html_charts.hpp"

#include <algorithm>
#include <functional>

#include "load/report/series_windows.hpp"

namespace neuro::load_report {
namespace {

// Colour-blind-safe (Okabe-Ito) colours, one per line in a chart.
constexpr const char* kBlue = "#0072b2";
constexpr const char* kOrange = "#e69f00";
constexpr const char* kRed = "#d55e00";
constexpr const char* kGreen = "#009e73";
constexpr const char* kGrey = "#777777";

std::optional<double> ns_to_ms(const std::optional<std::int64_t>& ns) {
  return ns ? std::optional<double>(static_cast<double>(*ns) / 1e6) : std::nullopt;
}

// Resource samples averaged over windows the way series_windows cuts the series.
template <typename Sample>
Chart resource_chart(const std::vector<Sample>& samples, Chart chart,
                     const std::vector<std::function<double(const Sample&)>>& values) {
  const std::size_t w = window_size(samples.size());
  for (std::size_t start = 0; start < samples.size(); start += w) {
    const std::size_t end = std::min(samples.size(), start + w);
    chart.x.push_back(static_cast<double>(samples[start].t_s));
    for (std::size_t l = 0; l < values.size(); ++l) {
      double sum = 0.0;
      for (std::size_t i = start; i < end; ++i) sum += values[l](samples[i]);
      chart.lines[l].values.push_back(sum / static_cast<double>(end - start));
    }
  }
  return chart;
}

// A chart of host and target lines on one axis; the two are sampled separately, so they are
// two charts' worth of x values: the host's are used when both exist and the target's values
// are matched by t_s (a target sample missing at a host second is a gap).
Chart merge_by_time(Chart host, const Chart& target) {
  if (host.x.empty()) return target;
  if (target.x.empty()) return host;
  for (const auto& tline : target.lines) {
    ChartLine line{tline.label, tline.color, {}};
    for (const double t : host.x) {
      const auto it = std::find(target.x.begin(), target.x.end(), t);
      line.values.push_back(it == target.x.end()
                                ? std::nullopt
                                : tline.values[static_cast<std::size_t>(it - target.x.begin())]);
    }
    host.lines.push_back(std::move(line));
  }
  return host;
}

}  // namespace

std::vector<Chart> build_charts(const load::LoadResult& r) {
  std::vector<Chart> charts;
  const std::vector<SeriesWindow> windows = series_windows(r.series, r.duration_s);
  const std::size_t w = series_window_seconds(r.series);
  const std::string per = w == 1 ? "per second" : "per " + std::to_string(w) + " s window";

  Chart latency{"latency", "Latency percentiles " + per,
                "ms",      3,
                {},        {{"p50", kBlue, {}}, {"p95", kOrange, {}}, {"p99", kRed, {}}}};
  Chart throughput{"throughput", "Requests completed " + per, "req/s", 1,
                   {},           {{"completed", kBlue, {}}}};
  // Iterations beside the arrivals asked for: an open model's rate counts iterations, and a
  // two-step scenario's requests would read as twice the rate.
  Chart arrivals{"arrivals", "Iterations begun " + per, "iterations/s", 1, {}, {}};
  Chart errors{"errors", "Errors " + per, "errors/s", 1, {}, {{"errors", kRed, {}}}};
  Chart users{"users", "Active users", "users", 1, {}, {{"users", kGreen, {}}}};
  Chart websocket{"websocket", "WebSocket messages " + per,
                  "msg/s",     1,
                  {},          {{"received", kBlue, {}}, {"sent", kGreen, {}}}};
  Chart ws_latency{"ws-latency", "WebSocket latency percentiles " + per,
                   "ms",         3,
                   {},           {{"p50", kBlue, {}}, {"p95", kOrange, {}}, {"p99", kRed, {}}}};
  const bool has_rate =
      std::any_of(windows.begin(), windows.end(), [](const auto& x) { return x.rate.has_value(); });
  const bool has_users = std::any_of(windows.begin(), windows.end(),
                                     [](const auto& x) { return x.users.has_value(); });
  // Only runs with ws: steps write message counts into their series.
  const bool has_ws = std::any_of(r.series.begin(), r.series.end(), [](const load::SeriesPoint& p) {
    return p.ws_in > 0 || p.ws_out > 0;
  });
  const bool has_ws_latency =
      std::any_of(r.series.begin(), r.series.end(),
                  [](const load::SeriesPoint& p) { return p.ws_latency.has_value(); });
  const bool has_iterations = !windows.empty() && windows.front().iterations_per_s.has_value();
  if (has_iterations) arrivals.lines.push_back({"begun", kBlue, {}});
  if (has_rate) arrivals.lines.push_back({"intended rate", kGrey, {}, true});
  for (const SeriesWindow& win : windows) {
    const double t = static_cast<double>(win.t_s);
    for (Chart* c : {&latency, &throughput, &arrivals, &errors, &users, &websocket, &ws_latency}) {
      c->x.push_back(t);
    }
    latency.lines[0].values.push_back(ns_to_ms(win.p50_ns));
    latency.lines[1].values.push_back(ns_to_ms(win.p95_ns));
    latency.lines[2].values.push_back(ns_to_ms(win.p99_ns));
    // After the run's end only answers to earlier requests arrive: no rate to draw.
    const auto rate_of = [&](double v) {
      return win.drain() ? std::optional<double>() : std::optional<double>(v);
    };
    throughput.lines[0].values.push_back(rate_of(win.rps));
    if (has_iterations) {
      arrivals.lines[0].values.push_back(rate_of(*win.iterations_per_s));
    }
    if (has_rate) arrivals.lines.back().values.push_back(win.rate);
    errors.lines[0].values.push_back(rate_of(win.errors_per_s));
    users.lines[0].values.push_back(win.users);
    websocket.lines[0].values.push_back(rate_of(win.ws_in_per_s));
    websocket.lines[1].values.push_back(rate_of(win.ws_out_per_s));
    ws_latency.lines[0].values.push_back(ns_to_ms(win.ws_p50_ns));
    ws_latency.lines[1].values.push_back(ns_to_ms(win.ws_p95_ns));
    ws_latency.lines[2].values.push_back(ns_to_ms(win.ws_p99_ns));
  }
  charts.push_back(std::move(latency));
  charts.push_back(std::move(throughput));
  if (has_iterations || has_rate) charts.push_back(std::move(arrivals));
  charts.push_back(std::move(errors));
  if (has_users) charts.push_back(std::move(users));
  if (has_ws) charts.push_back(std::move(websocket));
  if (has_ws_latency) charts.push_back(std::move(ws_latency));

  const Chart host_cpu = resource_chart<load::HostSample>(
      r.host, {"cpu", "CPU", "%", 1, {}, {{"host CPU", kBlue, {}}}},
      {[](const load::HostSample& s) { return s.cpu_percent; }});
  const Chart target_cpu = resource_chart<load::TargetSample>(
      r.target_process, {"cpu", "CPU", "%", 1, {}, {{"target CPU", kOrange, {}}}},
      {[](const load::TargetSample& s) { return s.cpu_percent; }});
  const Chart host_mem = resource_chart<load::HostSample>(
      r.host, {"memory", "Memory", "MB", 1, {}, {{"host used", kBlue, {}}}},
      {[](const load::HostSample& s) { return static_cast<double>(s.mem_used_bytes) / 1e6; }});
  const Chart target_mem = resource_chart<load::TargetSample>(
      r.target_process, {"memory", "Memory", "MB", 1, {}, {{"target RSS", kOrange, {}}}},
      {[](const load::TargetSample& s) { return static_cast<double>(s.rss_bytes) / 1e6; }});
  if (!r.host.empty() || !r.target_process.empty()) {
    charts.push_back(merge_by_time(host_cpu, target_cpu));
    charts.push_back(merge_by_time(host_mem, target_mem));
  }
  if (!r.host.empty()) {
    charts.push_back(resource_chart<load::HostSample>(
        r.host, {"network", "Host network", "kB/s", 1, {}, {{"rx", kGreen, {}}, {"tx", kRed, {}}}},
        {[](const load::HostSample& s) { return s.net_rx_bytes_per_s / 1e3; },
         [](const load::HostSample& s) { return s.net_tx_bytes_per_s / 1e3; }}));
  }
  return charts;
}

}  // namespace neuro::load_report
