#include "engine/server/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace neuro::server {

const std::vector<double>& Metrics::bucket_bounds_s() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                          1.0,    2.5,     5.0,    10.0};
  return bounds;
}

Metrics::Metrics(std::vector<RouteLabel> routes) : routes_(std::move(routes)) {
  routes_.push_back({"", "unmatched"});
  const std::size_t n = routes_.size() * kClasses;
  series_ = std::make_unique<Series[]>(n);
  for (std::size_t i = 0; i < n; ++i) {
    series_[i].buckets = std::vector<std::atomic<std::uint64_t>>(bucket_bounds_s().size());
  }
}

void Metrics::record(std::size_t route, unsigned status,
                     std::chrono::nanoseconds latency) noexcept {
  if (route >= routes_.size()) route = unmatched();
  const std::size_t status_class = std::clamp<unsigned>(status / 100, 1, 5) - 1;
  Series& s = series_[slot(route, status_class)];
  const double seconds = static_cast<double>(latency.count()) * 1e-9;
  const auto& bounds = bucket_bounds_s();
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  if (it != bounds.end()) {
    s.buckets[static_cast<std::size_t>(it - bounds.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
  }
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())),
                     std::memory_order_relaxed);
}

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void Metrics::render(std::string& out) const {
  static constexpr const char* kClassNames[kClasses] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  const auto& bounds = bucket_bounds_s();
  char number[64];
  auto labels = [&](std::size_t route, std::size_t c) {
    return "method=\"" + prometheus_label(routes_[route].method) + "\",route=\"" +
           prometheus_label(routes_[route].route) + "\",status=\"" + kClassNames[c] + "\"";
  };
  out +=
      "# HELP neuroperf_http_requests_total HTTP requests answered, by route and status class.\n";
  out += "# TYPE neuroperf_http_requests_total counter\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    for (std::size_t c = 0; c < kClasses; ++c) {
      const auto count = series_[slot(r, c)].count.load(std::memory_order_relaxed);
      if (count == 0) continue;
      out += "neuroperf_http_requests_total{" + labels(r, c) + "} " + std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP neuroperf_http_request_duration_seconds Time from the request header to the "
      "response handed to the socket.\n";
  out += "# TYPE neuroperf_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    for (std::size_t c = 0; c < kClasses; ++c) {
      const Series& s = series_[slot(r, c)];
      const auto count = s.count.load(std::memory_order_relaxed);
      if (count == 0) continue;
      const std::string l = labels(r, c);
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < bounds.size(); ++b) {
        cumulative += s.buckets[b].load(std::memory_order_relaxed);
        std::snprintf(number, sizeof number, "%g", bounds[b]);
        out += "neuroperf_http_request_duration_seconds_bucket{" + l + ",le=\"" + number + "\"} " +
               std::to_string(cumulative) + "\n";
      }
      out += "neuroperf_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
             std::to_string(count) + "\n";
      std::snprintf(number, sizeof number, "%.9f",
                    static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) * 1e-9);
      out += "neuroperf_http_request_duration_seconds_sum{" + l + "} " + number + "\n";
      out += "neuroperf_http_request_duration_seconds_count{" + l + "} " + std::to_string(count) +
             "\n";
    }
  }
  out += "# HELP neuroperf_http_open_connections HTTP connections open now.\n";
  out += "# TYPE neuroperf_http_open_connections gauge\n";
  out += "neuroperf_http_open_connections " + std::to_string(open_connections()) + "\n";
  out += "# HELP neuroperf_http_rejected_connections_total Connections refused at the limit.\n";
  out += "# TYPE neuroperf_http_rejected_connections_total counter\n";
  out += "neuroperf_http_rejected_connections_total " +
         std::to_string(rejected_.load(std::memory_order_relaxed)) + "\n";
}

}  // namespace neuro::server
