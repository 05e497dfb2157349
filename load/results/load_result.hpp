// The load runner's result document (schema "neuroperf-load/1", docs/load-results-schema.md) as
// one set of typed structs: the runner fills them, `neuroperf merge` reads shards into them and
// merges them, thresholds and the reports read them. parse_load_result (from JSON, the whole
// document checked, errors naming the JSON path) and to_json (back to the document) are the only
// places that spell the document's keys.
//
// Values the writer derives from its exact in-memory data and that cannot be recomputed bit for
// bit from the serialised form (a poll's mean_ms, a ws: step's latency_mean_ms, every rps) are
// kept as read; percentiles_ms are recomputed from the histograms, which reproduces the writer's
// numbers (the serialised buckets keep every percentile, sparse_histogram.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "load/results/resource_samples.hpp"
#include "load/results/sparse_histogram.hpp"
#include "load/scenario/threshold.hpp"

namespace neuro::load {

inline constexpr const char* kResultSchema = "neuroperf-load/1";

// A step's errors by kind; the writer names every kind (kErrorKindNames), documents that predate
// tls, status_unexpected and poll_timeout lack them (0).
struct ErrorCounts {
  std::int64_t connect = 0, read = 0, write = 0, timeout = 0, status_4xx = 0, status_5xx = 0;
  std::int64_t tls = 0;  // libcurl engine only
  // A status the step's `expect:` did not name; a polling step whose `max` ran out.
  std::int64_t status_unexpected = 0, poll_timeout = 0;
  std::int64_t total() const {
    return connect + read + write + timeout + status_4xx + status_5xx + tls + status_unexpected +
           poll_timeout;
  }
};

// A step's `check:` conditions ("checks"), and the run's ("totals.checks").
struct Checks {
  std::int64_t passed = 0, failed = 0;
};

// A polling step's loop times ("poll") or a group's pass times ("group").
struct FlowTimes {
  SparseHistogram latency;
  double mean_ms = 0;  // the writer's, from its in-memory histogram
};

// A ws: step's messages (the step's "ws" object).
struct WsResult {
  std::int64_t sessions = 0, messages_in = 0, messages_out = 0, bytes_in = 0, bytes_out = 0;
  std::int64_t measured = 0, seq_gaps = 0, seq_backwards = 0, pings_answered = 0;
  double messages_in_per_s = 0, messages_out_per_s = 0, bytes_in_per_s = 0, bytes_out_per_s = 0;
  std::map<std::string, std::int64_t> close_codes;  // "1000" -> sessions closed with it
  std::map<std::string, std::int64_t> errors;       // by kind (kWsErrorNames)
  SparseHistogram connect, latency;
  SparseHistogram read_lag;  // empty where no stamp came (wss://, results from before it)
  double latency_mean_ms = 0;
  std::string clock;  // latency_clock

  std::int64_t error_total() const;
  std::string close_codes_text() const;  // "1000 x 20, 1006 x 1"
};

struct StepResult {
  std::string name;
  std::int64_t requests = 0;
  double rps = 0.0;
  ErrorCounts errors;
  SparseHistogram latency;
  std::optional<SparseHistogram> service_time;  // open model only
  std::optional<Checks> checks;                 // the step's `check:` conditions
  std::optional<FlowTimes> poll;                // a polling step's loop times
  std::optional<FlowTimes> group;               // a group's first step: its pass times
  std::optional<WsResult> ws;
  // The client's read lag of its answers (plain HTTP/1.1 answers; absent over libcurl, for ws:
  // steps and in documents from before it).
  std::optional<SparseHistogram> read_lag;
  std::int64_t checks_passed() const { return checks ? checks->passed : 0; }
  std::int64_t checks_failed() const { return checks ? checks->failed : 0; }
  bool has_flow() const { return checks_passed() + checks_failed() > 0 || poll || group; }
};

struct SeriesPoint {
  std::int64_t t_s = 0;
  std::int64_t dt_s = 1;  // seconds the point covers (long runs coarsen; absent in old documents)
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::optional<std::int64_t> users;  // closed model
  std::optional<double> rate;         // open model: intended arrivals per second
  SparseHistogram latency;
  // WebSocket messages received and sent in the point (ws: steps); written only for points
  // that had any, so 0 when absent.
  std::int64_t ws_in = 0, ws_out = 0;
  // The latencies ws: steps measured in the point; written only where some were.
  std::optional<SparseHistogram> ws_latency;
  std::optional<std::int64_t> iterations;  // iterations begun; written only where some began
};

struct ClientInfo {
  std::int64_t threads = 0;
  double cpu_s = 0.0, cpu_us_per_request = 0.0;
  std::vector<std::string> warnings;
  // Connections the client held at once at most: each load thread's peak, summed (shards: summed
  // too); absent in documents that predate it.
  std::optional<std::int64_t> peak_connections;
};

struct OpenModel {
  std::int64_t late_sends = 0, dropped_sends = 0;
};

// The engine that ran ("engine"): absent from documents that predate it.
struct EngineInfo {
  std::string name, http;
  bool tls = false, tls_verify = true;
  std::map<std::string, std::int64_t> responses_by_http_version;
};

// The runner writes each stage's duration, counts, latency histogram, what it observed and the
// thresholds it broke; p95_ms and error_rate are accepted too, for writers that summarise.
struct StressStage {
  double rate = 0.0;
  bool passed = false;
  std::optional<double> duration_s, rps;
  std::optional<std::int64_t> requests, errors;
  std::optional<SparseHistogram> latency;
  std::optional<Observations> observed;
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

// One shard's resources as a merged document keeps them ("resources_by_shard").
struct ShardResources {
  std::int64_t shard = 0;
  std::optional<std::vector<HostSample>> host;  // none: the shard's document had no resources
  std::vector<TargetSample> target;
};

// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept move reads as throwing to tidy 14
struct LoadResult {
  std::string scenario_name, scenario_file, executor;
  nlohmann::json scenario_config;  // the scenario as parsed (null: absent)
  std::string target, started_at;
  std::optional<EngineInfo> engine;
  double duration_s = 0.0;
  std::int64_t shard_index = 0, shard_count = 1;
  std::int64_t merged_from = 0;  // shards merged into this document (0: a single run)
  std::int64_t total_requests = 0, total_errors = 0;
  double total_rps = 0.0;
  std::optional<Checks> total_checks;
  std::vector<StepResult> steps;
  std::vector<SeriesPoint> series;
  std::vector<HostSample> host;
  std::vector<TargetSample> target_process;
  std::optional<std::vector<ShardResources>> resources_by_shard;  // merged documents only
  std::optional<ClientInfo> client;
  std::optional<OpenModel> open_model;
  std::optional<Stress> stress;
  std::optional<Soak> soak;
  std::vector<ThresholdVerdict> thresholds;
  bool aborted = false;
  std::string abort_reason;  // "" is written as null
  bool passed = false;

  // Whether anything judged the run: thresholds, a stress search or a soak's leak check. A run
  // with none "passes" by default, which says nothing; reports say "not judged" instead.
  bool judged() const { return !thresholds.empty() || stress.has_value() || soak.has_value(); }
};

// from_json: throws neuro::base::InvalidArgument naming the JSON path of the first problem.
// Fields the schema marks "| null" may also be absent; unknown fields are ignored (writers may
// add some).
LoadResult parse_load_result(const nlohmann::json& document);
// The same for a document without "series" and the series given apart (the runner streams a
// long run's series to disk instead of holding it as JSON); `series` is taken as it is.
LoadResult parse_load_result(const nlohmann::json& document, std::vector<SeriesPoint> series);
// A shard for `neuroperf merge`, which has always taken less than the reports need: the
// scenario may be absent, and a threshold needs only its expression (merge judges it again).
LoadResult parse_shard_result(const nlohmann::json& document);

// to_json: the whole document. The runner's and merge's documents come back value for value.
nlohmann::json to_json(const LoadResult& result);
// The document without "series", and one POINT of it.
nlohmann::json to_json_without_series(const LoadResult& result);
nlohmann::json to_json(const SeriesPoint& point);
nlohmann::json to_json(const StepResult& step);

// {"p50", "p90", "p95", "p99", "p99.9", "max"} in milliseconds.
nlohmann::json percentiles_json(const base::LatencyHistogram& h);

}  // namespace neuro::load
