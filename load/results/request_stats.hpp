// What a run counts: per step, requests, errors by kind and latency histograms; per second, a
// point of the time series. Workers fill their own and the runner merges them.
#pragma once

#include <array>
#include <cstdint>
#include <map>

#include "engine/base/latency_histogram.hpp"
#include "load/results/sparse_histogram.hpp"
#include "load/results/ws_stats.hpp"

namespace neuro::load {

// kTls (handshake or certificate) comes only from the libcurl engine. kStatusUnexpected: a
// status below 400 that is not the step's `expect`; kPollTimeout: a polling step whose
// condition did not hold within its `max`.
enum class ErrorKind {
  kConnect,
  kRead,
  kWrite,
  kTimeout,
  kStatus4xx,
  kStatus5xx,
  kTls,
  kStatusUnexpected,
  kPollTimeout
};
inline constexpr std::array<const char*, 9> kErrorKindNames = {
    "connect",           "read",        "write", "timeout", "status_4xx", "status_5xx", "tls",
    "status_unexpected", "poll_timeout"};

struct StepStats {
  std::int64_t requests = 0;  // every attempt that ended: responses and failures
  std::array<std::int64_t, kErrorKindNames.size()> errors{};
  base::LatencyHistogram latency;  // open model: from the intended send time
  base::LatencyHistogram service;  // from the actual send (open model only in documents)
  // `check:` conditions evaluated on answers, and those that failed.
  std::int64_t checks = 0, check_failures = 0;
  // A polling step: the time from its first send to its condition holding (or giving up).
  base::LatencyHistogram poll;
  // The first step of a `group:`: the group's total times, entered to left (completed ones).
  base::LatencyHistogram group;
  WsStats ws;  // a ws: step's messages (its requests are its sessions)
  // The client's share of each answer's latency: from the kernel's arrival stamp of the last
  // bytes read to the read (plain HTTP/1.1 only; empty where no stamp came).
  base::LatencyHistogram read_lag;

  std::int64_t error_total() const {
    std::int64_t n = 0;
    for (auto e : errors) n += e;
    return n;
  }
  void merge(const StepStats& o) {
    requests += o.requests;
    for (std::size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
    latency.merge(o.latency);
    service.merge(o.service);
    checks += o.checks;
    check_failures += o.check_failures;
    poll.merge(o.poll);
    group.merge(o.group);
    ws.merge(o.ws);
    read_lag.merge(o.read_lag);
  }
};

// The per-second series keeps 2 significant digits (1 % resolution, ~10x fewer buckets than
// the steps' 3): a point per second of a 12-hour run must stay small.
inline constexpr int kSeriesSignificantDigits = 2;

// An empty histogram in the series' layout: a second with WebSocket messages and no ended
// request still has a latency of the same shape as its neighbours.
inline SparseHistogram empty_series_histogram() {
  SparseHistogram h;
  h.significant_digits = kSeriesSignificantDigits;
  return h;
}

// What ended in one interval of the run (a second, or several once a long series coarsens);
// the document's series point (load/results/load_result.hpp SeriesPoint) adds its time and load.
struct IntervalStats {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  // In the series' layout even when empty: a second whose requests all failed has no latency.
  SparseHistogram latency = empty_series_histogram();
  std::int64_t ws_in = 0, ws_out = 0;  // WebSocket messages received and sent (ws: steps)
  // The latencies ws: steps measured (per message, `latency_from` or `reply_to`); empty in runs
  // without them.
  SparseHistogram ws_latency = empty_series_histogram();
  std::int64_t iterations = 0;  // iterations begun (an open model's arrivals)
  void merge(const IntervalStats& o) {
    requests += o.requests;
    iterations += o.iterations;
    errors += o.errors;
    latency.merge(o.latency);
    ws_in += o.ws_in;
    ws_out += o.ws_out;
    ws_latency.merge(o.ws_latency);
  }
  // What the series' memory budget counts.
  std::size_t buckets() const { return latency.buckets.size() + ws_latency.buckets.size(); }
};

// Second since the start of the run -> what ended in it.
using Series = std::map<std::int64_t, IntervalStats>;

}  // namespace neuro::load
