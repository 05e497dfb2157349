// The load runner's result document (schema "neuroperf-load/1", docs/load-results-schema.md)
// read into typed structs, the whole document checked before anything is rendered.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "load/results/histogram_reader.hpp"
#include "load/results/resource_samples.hpp"

namespace neuro::load_report {

inline constexpr const char* kSchema = "neuroperf-load/1";

struct ErrorCounts {
  std::int64_t connect = 0, read = 0, write = 0, timeout = 0, status_4xx = 0, status_5xx = 0;
  std::int64_t tls = 0;  // libcurl engine only; absent from documents that predate it
  // A status the step's `expect:` did not name; a polling step whose `max` ran out. Absent
  // from documents that predate them.
  std::int64_t status_unexpected = 0, poll_timeout = 0;
  std::int64_t total() const {
    return connect + read + write + timeout + status_4xx + status_5xx + tls + status_unexpected +
           poll_timeout;
  }
};

// A ws: step's messages (the step's "ws" object).
struct WsResult {
  std::int64_t sessions = 0, seq_gaps = 0, errors = 0;
  double messages_in_per_s = 0, messages_out_per_s = 0, bytes_in_per_s = 0;
  std::string close_codes;  // "1000 x 20, 1006 x 1"
  std::string clock;        // latency_clock
  load::SparseHistogram connect, latency;
};

struct StepResult {
  std::string name;
  std::optional<WsResult> ws;
  std::int64_t requests = 0;
  double rps = 0.0;
  ErrorCounts errors;
  load::SparseHistogram latency;
  std::optional<load::SparseHistogram> service_time;  // open model only
  std::int64_t checks_passed = 0, checks_failed = 0;  // the step's `check:` conditions
  std::optional<load::SparseHistogram> poll;          // a polling step's loop times
  std::optional<load::SparseHistogram> group;         // a group's first step: its pass times
  bool has_flow() const { return checks_passed + checks_failed > 0 || poll || group; }
};

struct SeriesPoint {
  std::int64_t t_s = 0;
  std::int64_t dt_s = 1;  // seconds the point covers (long runs coarsen; absent in old documents)
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::optional<std::int64_t> users;  // closed model
  std::optional<double> rate;         // open model: intended arrivals per second
  load::SparseHistogram latency;
  // WebSocket messages received and sent in the point (ws: steps); written only for points
  // that had any, so 0 when absent.
  std::int64_t ws_in = 0, ws_out = 0;
  std::optional<std::int64_t> iterations;  // iterations begun; absent in older documents
};

// The resources' samples, the runner's own types.
using load::HostSample;
using load::TargetSample;

struct ClientInfo {
  std::int64_t threads = 0;
  double cpu_s = 0.0, cpu_us_per_request = 0.0;
  std::vector<std::string> warnings;
};

struct OpenModel {
  std::int64_t late_sends = 0, dropped_sends = 0;
};

// The runner writes each stage's requests, errors and latency histogram (and the thresholds it
// broke); p95_ms and error_rate are accepted too, for writers that summarise.
struct StressStage {
  double rate = 0.0;
  bool passed = false;
  std::optional<std::int64_t> requests, errors;
  std::optional<load::SparseHistogram> latency;
  std::optional<double> p95_ms, error_rate;
  std::vector<std::string> failed;  // expressions of the thresholds this stage broke
};

struct Stress {
  std::optional<double> knee_rate;  // none: not even the first stage held
  std::vector<StressStage> stages;
};

struct Soak {
  std::optional<double> rss_slope_bytes_per_s;  // none without a target process to watch
  std::optional<double> rss_growth_bytes, leak_threshold_bytes;
  bool suspected_leak = false;
};

// A threshold as the document judged it; the rule itself is load/scenario/threshold.hpp's
// Threshold.
struct ThresholdVerdict {
  std::string expression, metric, unit;
  std::optional<double> observed;  // none when the run produced no such measurement
  double limit = 0.0;
  bool passed = false;
};

struct LoadResult {
  std::string scenario_name, scenario_file, executor;
  std::string target, started_at;
  double duration_s = 0.0;
  std::int64_t shard_index = 0, shard_count = 1;
  std::int64_t merged_from = 0;  // shards merged into this document (0: a single run)
  std::int64_t total_requests = 0, total_errors = 0;
  double total_rps = 0.0;
  std::vector<StepResult> steps;
  std::vector<SeriesPoint> series;
  std::vector<HostSample> host;
  std::vector<TargetSample> target_process;
  std::optional<ClientInfo> client;
  std::optional<OpenModel> open_model;
  std::optional<Stress> stress;
  std::optional<Soak> soak;
  std::vector<ThresholdVerdict> thresholds;
  bool aborted = false;
  std::string abort_reason;
  bool passed = false;

  // Whether anything judged the run: thresholds, a stress search or a soak's leak check. A run
  // with none "passes" by default, which says nothing; reports say "not judged" instead.
  bool judged() const { return !thresholds.empty() || stress.has_value() || soak.has_value(); }
};

// Throws neuro::common::InvalidArgument naming the JSON path of the first problem. Fields the
// schema marks "| null" may also be absent; unknown fields are ignored (writers may add some).
LoadResult parse_load_result(const nlohmann::json& document);
// The same for a document without "series" and the series given apart (the runner streams a
// long run's series to disk instead of holding it as JSON); `series` is taken as it is.
LoadResult parse_load_result(const nlohmann::json& document, std::vector<SeriesPoint> series);

}  // namespace neuro::load_report
