// Request counters and latency histograms per route and status class, and open connections,
// kept in atomics (recorded from any I/O thread without a lock) and rendered in the Prometheus
// text format by GET /metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuro::server {

struct RouteLabel {
  std::string method;
  std::string route;  // the pattern, "/api/v2/sessions/{id}"
};

class Metrics {
 public:
  // One label per route of the table; one more, "unmatched", is added for 404/405 and errors
  // before routing.
  explicit Metrics(std::vector<RouteLabel> routes);

  std::size_t unmatched() const noexcept { return routes_.size() - 1; }
  void record(std::size_t route, unsigned status, std::chrono::nanoseconds latency) noexcept;
  void connection_opened() noexcept { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t open_connections() const noexcept {
    return open_connections_.load(std::memory_order_relaxed);
  }
  void connection_rejected() noexcept { rejected_.fetch_add(1, std::memory_order_relaxed); }

  // Appends neuroperf_http_requests_total, neuroperf_http_request_duration_seconds (histogram),
  // neuroperf_http_open_connections and neuroperf_http_rejected_connections_total.
  void render(std::string& out) const;

  // Upper bounds of the latency buckets, seconds.
  static const std::vector<double>& bucket_bounds_s();

 private:
  static constexpr std::size_t kClasses = 5;  // 1xx .. 5xx
  struct Series {
    std::vector<std::atomic<std::uint64_t>> buckets;  // cumulative counts rendered at the end
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::size_t slot(std::size_t route, std::size_t status_class) const noexcept {
    return route * kClasses + status_class;
  }

  std::vector<RouteLabel> routes_;
  std::unique_ptr<Series[]> series_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

// Escapes a label value (backslash, quote, newline).
std::string prometheus_label(const std::string& value);

}  // namespace neuro::server
