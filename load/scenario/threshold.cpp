#include "load/scenario/threshold.hpp"

#include <array>
#include <string_view>

#include "load/scenario/units.hpp"

namespace neuro::load {
namespace {

constexpr std::array<std::string_view, 28> kLatencyMetrics = {"p50",
                                                              "p90",
                                                              "p95",
                                                              "p99",
                                                              "p99.9",
                                                              "max",
                                                              "mean",
                                                              "poll_p50",
                                                              "poll_p95",
                                                              "poll_p99",
                                                              "poll_max",
                                                              "poll_mean",
                                                              "group_p50",
                                                              "group_p95",
                                                              "group_p99",
                                                              "group_max",
                                                              "group_mean",
                                                              "ws_p50",
                                                              "ws_p95",
                                                              "ws_p99",
                                                              "ws_max",
                                                              "ws_mean",
                                                              "ws_connect_p50",
                                                              "ws_connect_p99",
                                                              "ws_read_lag_p50",
                                                              "ws_read_lag_p99",
                                                              "read_lag_p50",
                                                              "read_lag_p99"};

// Counted WebSocket outcomes (sequence gaps, errors) and message rates: plain numbers.
bool is_ws_number(const std::string& metric) {
  return metric == "gaps" || metric == "ws_errors" || metric == "ws_msgs_in" ||
         metric == "ws_msgs_out";
}

bool is_latency(const std::string& metric) {
  for (auto m : kLatencyMetrics) {
    if (metric == m) return true;
  }
  return false;
}

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::optional<double> parse_percent(const std::string& text) {
  if (text.empty() || text.back() != '%') return std::nullopt;
  return parse_plain_number(text.substr(0, text.size() - 1));
}

}  // namespace

bool Threshold::passes(double observed) const {
  switch (comparison) {
    case Comparison::kLess:
      return observed < limit;
    case Comparison::kLessEqual:
      return observed <= limit;
    case Comparison::kGreater:
      return observed > limit;
    case Comparison::kGreaterEqual:
      return observed >= limit;
    case Comparison::kEqual:
      return observed == limit;
  }
  return false;
}

const char* metric_unit(const std::string& metric) {
  if (is_latency(metric)) return "ms";
  if (metric == "error_rate" || metric == "checks" || metric == "target_cpu" ||
      metric == "host_cpu") {
    return "%";
  }
  if (metric == "rps") return "req/s";
  if (metric == "target_rss") return "bytes";
  if (metric == "ws_msgs_in" || metric == "ws_msgs_out") return "msg/s";
  return "";
}

ParsedThreshold parse_threshold(const std::string& text) {
  ParsedThreshold out;
  const auto op_at = text.find_first_of("<>=");
  if (op_at == std::string::npos || (text[op_at] == '=' && text.compare(op_at, 2, "==") != 0)) {
    out.problem =
        "expected 'METRIC < VALUE', 'METRIC > VALUE' or 'METRIC == VALUE', got '" + text + "'";
    return out;
  }
  Threshold t;
  t.expression = text;
  t.metric = trim(text.substr(0, op_at));
  std::size_t value_at = op_at + 1;
  const bool equal = value_at < text.size() && text[value_at] == '=';
  if (equal) ++value_at;
  if (text[op_at] == '=') {
    t.comparison = Comparison::kEqual;
  } else {
    t.comparison = text[op_at] == '<' ? (equal ? Comparison::kLessEqual : Comparison::kLess)
                                      : (equal ? Comparison::kGreaterEqual : Comparison::kGreater);
  }
  const std::string value = trim(text.substr(value_at));
  std::optional<double> limit;
  if (is_latency(t.metric)) {
    const auto s = parse_duration_s(value);
    if (s && value.find_first_not_of("0123456789.") != std::string::npos) limit = *s * 1e3;
    if (!limit) out.problem = "expected a duration with a unit (200ms, 1s), got '" + value + "'";
  } else if (t.metric == "error_rate" || t.metric == "checks" || t.metric == "target_cpu" ||
             t.metric == "host_cpu") {
    limit = parse_percent(value);
    if (!limit) out.problem = "expected a percentage (0.1%, 80%), got '" + value + "'";
  } else if (t.metric == "rps") {
    limit = parse_plain_number(value);
    if (!limit) out.problem = "expected requests per second (100), got '" + value + "'";
  } else if (is_ws_number(t.metric)) {
    limit = parse_plain_number(value);
    if (!limit) out.problem = "expected a number (0, 1000), got '" + value + "'";
  } else if (t.metric == "target_rss") {
    limit = parse_bytes(value);
    if (!limit) out.problem = "expected a size (512MB, 2GB), got '" + value + "'";
  } else {
    out.problem =
        "unknown metric '" + t.metric +
        "' (p50, p90, p95, p99, p99.9, max, mean, read_lag_p50, read_lag_p99, error_rate, "
        "checks, rps, target_cpu, "
        "target_rss, host_cpu, poll_p50, poll_p95, poll_p99, poll_max, poll_mean, group_p50, "
        "group_p95, group_p99, group_max, group_mean, ws_p50, ws_p95, ws_p99, ws_max, ws_mean, "
        "ws_connect_p50, ws_connect_p99, ws_read_lag_p50, ws_read_lag_p99, gaps, ws_errors, "
        "ws_msgs_in, ws_msgs_out)";
  }
  if (limit) {
    t.limit = *limit;
    out.threshold = t;
  }
  return out;
}

}  // namespace neuro::load
