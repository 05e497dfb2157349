#include "load/results/load_result.hpp"

#include <cmath>

#include "load/results/histogram_reader.hpp"
#include "load/results/json_fields.hpp"

namespace neuro::load {

using namespace json_read;

namespace {

using nlohmann::json;

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// How much of the document the reader insists on (parse_shard_result).
enum class Reading { kWhole, kShard };

// Reads the fields of one object, each named by its path.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    as_object(object_, path_);
  }
  const std::string& path() const { return path_; }
  std::string at(const std::string& key) const { return path_key(path_, key); }
  const json& get(const std::string& key) const { return required(object_, path_, key); }
  const json* maybe(const std::string& key) const { return optional(object_, key); }
  const json& object() const { return object_; }

  std::string string(const std::string& key) const { return as_string(get(key), at(key)); }
  std::string string_or(const std::string& key, const std::string& fallback) const {
    const json* v = maybe(key);
    return v ? as_string(*v, at(key)) : fallback;
  }
  double number(const std::string& key) const { return as_number(get(key), at(key)); }
  std::optional<double> maybe_number(const std::string& key) const {
    const json* v = maybe(key);
    return v ? std::optional<double>(as_number(*v, at(key))) : std::nullopt;
  }
  std::int64_t count(const std::string& key) const { return as_count(get(key), at(key)); }
  std::int64_t count_or(const std::string& key, std::int64_t fallback) const {
    const json* v = maybe(key);
    return v ? as_count(*v, at(key)) : fallback;
  }
  bool boolean(const std::string& key) const { return as_bool(get(key), at(key)); }

 private:
  const json& object_;
  std::string path_;
};

// Calls read(element, element_path) for each element of the array at r.get(key).
template <typename Read>
void for_each_element(const json& array, const std::string& path, Read read) {
  as_array(array, path);
  for (std::size_t i = 0; i < array.size(); ++i) read(array[i], path_index(path, i));
}

std::map<std::string, std::int64_t> read_counts(const ObjectReader& r) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [key, n] : r.object().items()) out[key] = r.count(key);
  return out;
}

json counts_json(const std::map<std::string, std::int64_t>& counts) {
  json out = json::object();
  for (const auto& [key, n] : counts) out[key] = n;
  return out;
}

ErrorCounts read_errors(const ObjectReader& r) {
  ErrorCounts e;
  e.connect = r.count("connect");
  e.read = r.count("read");
  e.write = r.count("write");
  e.timeout = r.count("timeout");
  e.status_4xx = r.count("status_4xx");
  e.status_5xx = r.count("status_5xx");
  e.tls = r.count_or("tls", 0);
  e.status_unexpected = r.count_or("status_unexpected", 0);
  e.poll_timeout = r.count_or("poll_timeout", 0);
  return e;
}

json errors_json(const ErrorCounts& e) {
  return {{"connect", e.connect},
          {"read", e.read},
          {"write", e.write},
          {"timeout", e.timeout},
          {"status_4xx", e.status_4xx},
          {"status_5xx", e.status_5xx},
          {"tls", e.tls},
          {"status_unexpected", e.status_unexpected},
          {"poll_timeout", e.poll_timeout}};
}

WsResult read_ws(const ObjectReader& r, HistogramParser& hists) {
  WsResult w;
  w.sessions = r.count("sessions");
  w.messages_in = r.count_or("messages_in", 0);
  w.messages_out = r.count_or("messages_out", 0);
  w.bytes_in = r.count_or("bytes_in", 0);
  w.bytes_out = r.count_or("bytes_out", 0);
  w.measured = r.count_or("measured", 0);
  w.seq_gaps = r.count("seq_gaps");
  w.seq_backwards = r.count_or("seq_backwards", 0);
  w.pings_answered = r.count_or("pings_answered", 0);
  w.messages_in_per_s = r.number("messages_in_per_s");
  w.messages_out_per_s = r.number("messages_out_per_s");
  w.bytes_in_per_s = r.number("bytes_in_per_s");
  w.bytes_out_per_s = r.maybe_number("bytes_out_per_s").value_or(0.0);
  w.errors = read_counts(ObjectReader(r.get("errors"), r.at("errors")));
  w.close_codes = read_counts(ObjectReader(r.get("close_codes"), r.at("close_codes")));
  w.clock = r.string("latency_clock");
  w.connect = hists.parse(r.get("connect"), r.at("connect"));
  w.latency = hists.parse(r.get("latency"), r.at("latency"));
  w.latency_mean_ms = r.maybe_number("latency_mean_ms").value_or(w.latency.mean_ns() / 1e6);
  if (const json* lag = r.maybe("read_lag")) w.read_lag = hists.parse(*lag, r.at("read_lag"));
  return w;
}

json ws_json(const WsResult& w) {
  return {{"sessions", w.sessions},
          {"messages_in", w.messages_in},
          {"messages_out", w.messages_out},
          {"bytes_in", w.bytes_in},
          {"bytes_out", w.bytes_out},
          {"messages_in_per_s", w.messages_in_per_s},
          {"messages_out_per_s", w.messages_out_per_s},
          {"bytes_in_per_s", w.bytes_in_per_s},
          {"bytes_out_per_s", w.bytes_out_per_s},
          {"measured", w.measured},
          {"seq_gaps", w.seq_gaps},
          {"seq_backwards", w.seq_backwards},
          {"pings_answered", w.pings_answered},
          {"close_codes", counts_json(w.close_codes)},
          {"errors", counts_json(w.errors)},
          {"connect", w.connect.to_json()},
          {"connect_percentiles_ms", percentiles_json(w.connect.to_histogram())},
          {"latency", w.latency.to_json()},
          {"latency_percentiles_ms", percentiles_json(w.latency.to_histogram())},
          {"latency_mean_ms", w.latency_mean_ms},
          {"latency_clock", w.clock},
          {"read_lag", w.read_lag.to_json()},
          {"read_lag_percentiles_ms",
           w.read_lag.count > 0 ? percentiles_json(w.read_lag.to_histogram()) : json(nullptr)}};
}

// "poll" and "group": {count, latency, mean_ms, percentiles_ms}.
FlowTimes read_flow(const ObjectReader& r, HistogramParser& hists) {
  FlowTimes f;
  f.latency = hists.parse(r.get("latency"), r.at("latency"));
  f.mean_ms = r.maybe_number("mean_ms").value_or(f.latency.mean_ns() / 1e6);
  return f;
}

json flow_json(const std::optional<FlowTimes>& f) {
  if (!f) return nullptr;
  return {{"count", f->latency.count},
          {"latency", f->latency.to_json()},
          {"mean_ms", f->mean_ms},
          {"percentiles_ms", percentiles_json(f->latency.to_histogram())}};
}

json checks_json(const Checks& c) { return {{"passed", c.passed}, {"failed", c.failed}}; }

Checks read_checks(const ObjectReader& c) { return {c.count("passed"), c.count("failed")}; }

StepResult read_step(const ObjectReader& r, HistogramParser& hists) {
  StepResult s;
  s.name = r.string("name");
  s.requests = r.count("requests");
  s.rps = r.number("rps");
  s.errors = read_errors(ObjectReader(r.get("errors"), r.at("errors")));
  s.latency = hists.parse(r.get("latency"), r.at("latency"));
  if (const json* v = r.maybe("service_time"))
    s.service_time = hists.parse(*v, r.at("service_time"));
  // percentiles_ms is the writer's summary; to_json and the reports recompute every percentile
  // from the buckets (the exact, mergeable data), so it is only checked to be well formed.
  if (const json* v = r.maybe("percentiles_ms")) as_object(*v, r.at("percentiles_ms"));
  if (const json* v = r.maybe("checks")) s.checks = read_checks(ObjectReader(*v, r.at("checks")));
  if (const json* v = r.maybe("poll")) s.poll = read_flow(ObjectReader(*v, r.at("poll")), hists);
  if (const json* v = r.maybe("group")) s.group = read_flow(ObjectReader(*v, r.at("group")), hists);
  if (const json* v = r.maybe("ws")) s.ws = read_ws(ObjectReader(*v, r.at("ws")), hists);
  if (const json* v = r.maybe("read_lag")) s.read_lag = hists.parse(*v, r.at("read_lag"));
  return s;
}

SeriesPoint read_point(const ObjectReader& r, HistogramParser& hists) {
  SeriesPoint p;
  p.t_s = r.count("t_s");
  if (const json* v = r.maybe("dt_s")) {
    p.dt_s = as_count(*v, r.at("dt_s"));
    if (p.dt_s < 1) fail(r.at("dt_s"), "expected a positive integer, got 0");
  }
  p.requests = r.count("requests");
  p.errors = r.count("errors");
  if (const json* v = r.maybe("users")) p.users = as_count(*v, r.at("users"));
  p.rate = r.maybe_number("rate");
  p.latency = hists.parse(r.get("latency"), r.at("latency"));
  if (const json* v = r.maybe("iterations")) p.iterations = as_count(*v, r.at("iterations"));
  p.ws_in = r.count_or("ws_messages_in", 0);
  p.ws_out = r.count_or("ws_messages_out", 0);
  if (const json* v = r.maybe("ws_latency")) p.ws_latency = hists.parse(*v, r.at("ws_latency"));
  return p;
}

std::vector<HostSample> read_host(const json& samples, const std::string& at) {
  std::vector<HostSample> out;
  for_each_element(samples, at, [&](const json& e, const std::string& path) {
    const ObjectReader s(e, path);
    HostSample h;
    h.t_s = static_cast<double>(s.count("t_s"));
    h.cpu_percent = s.number("cpu_percent");
    h.mem_used_bytes = s.count("mem_used_bytes");
    h.net_rx_bytes_per_s = s.number("net_rx_bytes_per_s");
    h.net_tx_bytes_per_s = s.number("net_tx_bytes_per_s");
    h.disk_read_bytes_per_s = s.maybe_number("disk_read_bytes_per_s").value_or(0.0);
    h.disk_write_bytes_per_s = s.maybe_number("disk_write_bytes_per_s").value_or(0.0);
    out.push_back(h);
  });
  return out;
}

std::vector<TargetSample> read_target(const json& samples, const std::string& at) {
  std::vector<TargetSample> out;
  for_each_element(samples, at, [&](const json& e, const std::string& path) {
    const ObjectReader s(e, path);
    out.push_back({static_cast<double>(s.count("t_s")), s.number("cpu_percent"),
                   s.count("rss_bytes"), s.count_or("processes", 1)});
  });
  return out;
}

// Sample times are whole seconds since the start once written.
json t_s_json(double t_s) { return static_cast<std::int64_t>(std::lround(t_s)); }

json host_json(const std::vector<HostSample>& samples) {
  json out = json::array();
  for (const auto& h : samples) {
    out.push_back({{"t_s", t_s_json(h.t_s)},
                   {"cpu_percent", h.cpu_percent},
                   {"mem_used_bytes", h.mem_used_bytes},
                   {"net_rx_bytes_per_s", h.net_rx_bytes_per_s},
                   {"net_tx_bytes_per_s", h.net_tx_bytes_per_s},
                   {"disk_read_bytes_per_s", h.disk_read_bytes_per_s},
                   {"disk_write_bytes_per_s", h.disk_write_bytes_per_s}});
  }
  return out;
}

json target_json(const std::vector<TargetSample>& samples) {
  json out = json::array();
  for (const auto& t : samples) {
    out.push_back({{"t_s", t_s_json(t.t_s)},
                   {"cpu_percent", t.cpu_percent},
                   {"rss_bytes", t.rss_bytes},
                   {"processes", t.processes}});
  }
  return out;
}

void read_resources(const ObjectReader& r, std::vector<HostSample>& host,
                    std::vector<TargetSample>& target) {
  if (const json* v = r.maybe("host")) host = read_host(*v, r.at("host"));
  if (const json* v = r.maybe("target")) target = read_target(*v, r.at("target"));
}

ClientInfo read_client(const ObjectReader& r) {
  ClientInfo c;
  c.threads = r.count("threads");
  c.cpu_s = r.number("cpu_s");
  c.cpu_us_per_request = r.number("cpu_us_per_request");
  if (const json* v = r.maybe("peak_connections")) {
    c.peak_connections = as_count(*v, r.at("peak_connections"));
  }
  if (const json* w = r.maybe("warnings")) {
    for_each_element(*w, r.at("warnings"), [&](const json& e, const std::string& path) {
      c.warnings.push_back(as_string(e, path));
    });
  }
  return c;
}

Observations read_observed(const ObjectReader& r) {
  Observations out;
  for (const auto& [key, v] : r.object().items()) out[key] = r.number(key);
  return out;
}

Stress read_stress(const ObjectReader& r, HistogramParser& hists) {
  Stress s;
  s.knee_rate = r.maybe_number("knee_rate");
  for_each_element(r.get("stages"), r.at("stages"), [&](const json& e, const std::string& path) {
    const ObjectReader st(e, path);
    StressStage stage;
    stage.rate = st.number("rate");
    stage.passed = st.boolean("passed");
    stage.duration_s = st.maybe_number("duration_s");
    stage.rps = st.maybe_number("rps");
    if (const json* v = st.maybe("requests")) stage.requests = as_count(*v, st.at("requests"));
    if (const json* v = st.maybe("errors")) stage.errors = as_count(*v, st.at("errors"));
    if (const json* v = st.maybe("latency")) stage.latency = hists.parse(*v, st.at("latency"));
    if (const json* v = st.maybe("observed"))
      stage.observed = read_observed(ObjectReader(*v, st.at("observed")));
    stage.p95_ms = st.maybe_number("p95_ms");
    stage.error_rate = st.maybe_number("error_rate");
    if (const json* v = st.maybe("failed")) {
      for_each_element(*v, st.at("failed"), [&](const json& f, const std::string& fpath) {
        stage.failed.push_back(as_string(f, fpath));
      });
    }
    s.stages.push_back(std::move(stage));
  });
  return s;
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json stage_json(const StressStage& s) {
  json out = {{"rate", s.rate}, {"passed", s.passed}, {"failed", s.failed}};
  if (s.duration_s) out["duration_s"] = *s.duration_s;
  if (s.requests) out["requests"] = *s.requests;
  if (s.errors) out["errors"] = *s.errors;
  if (s.rps) out["rps"] = *s.rps;
  if (s.latency) {
    out["latency"] = s.latency->to_json();
    out["percentiles_ms"] = percentiles_json(s.latency->to_histogram());
  }
  if (s.observed) out["observed"] = *s.observed;
  if (s.p95_ms) out["p95_ms"] = *s.p95_ms;
  if (s.error_rate) out["error_rate"] = *s.error_rate;
  return out;
}

ThresholdVerdict read_threshold(const ObjectReader& r, Reading reading) {
  ThresholdVerdict t;
  t.expression = r.string("expression");
  t.metric = r.string_or("metric", "");
  t.unit = r.string_or("unit", "");
  if (reading == Reading::kShard) {
    t.observed = r.maybe_number("observed");
    t.limit = r.maybe_number("limit").value_or(0.0);
    if (const json* v = r.maybe("passed")) t.passed = as_bool(*v, r.at("passed"));
    return t;
  }
  r.get("observed");  // required, though it may be null
  t.observed = r.maybe_number("observed");
  t.limit = r.number("limit");
  t.passed = r.boolean("passed");
  return t;
}

json threshold_json(const ThresholdVerdict& t) {
  return {{"expression", t.expression},
          {"metric", t.metric},
          {"unit", t.unit},
          {"observed", optional_json(t.observed)},
          {"limit", t.limit},
          {"passed", t.passed}};
}

EngineInfo read_engine(const ObjectReader& r) {
  EngineInfo e;
  e.name = r.string("name");
  e.http = r.string("http");
  e.tls = r.boolean("tls");
  e.tls_verify = r.boolean("tls_verify");
  if (const json* v = r.maybe("responses_by_http_version")) {
    e.responses_by_http_version = read_counts(ObjectReader(*v, r.at("responses_by_http_version")));
  }
  return e;
}

LoadResult parse_except_series(const json& document, HistogramParser& hists, Reading reading) {
  const ObjectReader doc(document, "");
  const std::string schema = doc.string("schema");
  if (schema != kResultSchema) {
    fail("schema", "expected \"" + std::string(kResultSchema) + "\", got \"" + schema + "\"");
  }
  LoadResult out;
  if (const json* v = doc.maybe("scenario"); v || reading == Reading::kWhole) {
    const ObjectReader sc(doc.get("scenario"), "scenario");
    out.scenario_name = sc.string("name");
    out.scenario_file = sc.string_or("file", "");
    out.executor = sc.string_or("executor", "");
    if (const json* c = sc.maybe("config")) out.scenario_config = *c;
  }
  out.target = doc.string("target");
  out.started_at = doc.string_or("started_at", "");
  if (const json* v = doc.maybe("engine")) out.engine = read_engine(ObjectReader(*v, "engine"));
  out.duration_s = doc.number("duration_s");
  if (const json* v = doc.maybe("shard")) {
    const ObjectReader sh(*v, "shard");
    out.shard_index = sh.count("index");
    out.shard_count = sh.count("count");
    out.merged_from = sh.count_or("merged_from", 0);
    if (out.shard_count < 1 || out.shard_index >= out.shard_count) {
      fail("shard", "expected 0 <= index < count, got " + std::to_string(out.shard_index) + "/" +
                        std::to_string(out.shard_count));
    }
  }
  {
    const ObjectReader t(doc.get("totals"), "totals");
    out.total_requests = t.count("requests");
    out.total_errors = t.count("errors");
    out.total_rps = t.number("rps");
    if (const json* v = t.maybe("checks"))
      out.total_checks = read_checks(ObjectReader(*v, t.at("checks")));
  }
  for_each_element(doc.get("steps"), "steps", [&](const json& e, const std::string& path) {
    out.steps.push_back(read_step(ObjectReader(e, path), hists));
  });
  if (const json* v = doc.maybe("resources")) {
    read_resources(ObjectReader(*v, "resources"), out.host, out.target_process);
  }
  if (const json* v = doc.maybe("resources_by_shard")) {
    out.resources_by_shard.emplace();
    for_each_element(*v, "resources_by_shard", [&](const json& e, const std::string& path) {
      const ObjectReader r(e, path);
      ShardResources s;
      s.shard = r.count("shard");
      if (const json* res = r.maybe("resources")) {
        s.host.emplace();
        read_resources(ObjectReader(*res, r.at("resources")), *s.host, s.target);
      }
      out.resources_by_shard->push_back(std::move(s));
    });
  }
  if (const json* v = doc.maybe("client")) out.client = read_client(ObjectReader(*v, "client"));
  if (const json* v = doc.maybe("open_model")) {
    const ObjectReader om(*v, "open_model");
    out.open_model = OpenModel{om.count("late_sends"), om.count("dropped_sends")};
  }
  if (const json* v = doc.maybe("stress"))
    out.stress = read_stress(ObjectReader(*v, "stress"), hists);
  if (const json* v = doc.maybe("soak")) {
    const ObjectReader so(*v, "soak");
    so.get("rss_slope_bytes_per_s");  // required, though it may be null
    out.soak = Soak{so.maybe_number("rss_slope_bytes_per_s"), so.maybe_number("rss_growth_bytes"),
                    so.maybe_number("leak_threshold_bytes"), so.boolean("suspected_leak")};
  }
  for_each_element(doc.get("thresholds"), "thresholds",
                   [&](const json& e, const std::string& path) {
                     out.thresholds.push_back(read_threshold(ObjectReader(e, path), reading));
                   });
  if (const json* v = doc.maybe("aborted")) out.aborted = as_bool(*v, "aborted");
  out.abort_reason = doc.string_or("abort_reason", "");
  out.passed = doc.boolean("passed");
  return out;
}

LoadResult parse_with_series(const json& document, Reading reading) {
  HistogramParser hists;
  LoadResult out = parse_except_series(document, hists, reading);
  // Chart windows merge neighbouring seconds, which needs one layout for the whole series; an
  // empty point (every request of that second failed) has no buckets, so its layout is moot.
  std::optional<std::size_t> reference;
  for_each_element(
      ObjectReader(document, "").get("series"), "series",
      [&](const json& e, const std::string& path) {
        out.series.push_back(read_point(ObjectReader(e, path), hists));
        const SparseHistogram& last = out.series.back().latency;
        if (last.count > 0 && !reference) reference = out.series.size() - 1;
        const SparseHistogram& first = reference ? out.series[*reference].latency : last;
        if (last.count > 0 && (last.highest_ns != first.highest_ns ||
                               last.significant_digits != first.significant_digits)) {
          fail(path + ".latency",
               "histogram layout differs from series[" + std::to_string(*reference) + "].latency");
        }
        // Shards may each have coarsened their series (merge brings them to one resolution);
        // one document has one.
        if (reading == Reading::kWhole && out.series.back().dt_s != out.series.front().dt_s) {
          fail(path + ".dt_s", "differs from series[0].dt_s (one resolution per series)");
        }
      });
  return out;
}

}  // namespace

std::int64_t WsResult::error_total() const {
  std::int64_t n = 0;
  for (const auto& [kind, count] : errors) n += count;
  return n;
}

std::string WsResult::close_codes_text() const {
  std::string out;
  for (const auto& [code, n] : close_codes) {
    if (!out.empty()) out += ", ";
    out += code + " x " + std::to_string(n);
  }
  return out;
}

json percentiles_json(const base::LatencyHistogram& h) {
  return {{"p50", ms(h.percentile_ns(50))},     {"p90", ms(h.percentile_ns(90))},
          {"p95", ms(h.percentile_ns(95))},     {"p99", ms(h.percentile_ns(99))},
          {"p99.9", ms(h.percentile_ns(99.9))}, {"max", ms(h.max_ns())}};
}

LoadResult parse_load_result(const json& document) {
  return parse_with_series(document, Reading::kWhole);
}

LoadResult parse_shard_result(const json& document) {
  return parse_with_series(document, Reading::kShard);
}

LoadResult parse_load_result(const json& document, std::vector<SeriesPoint> series) {
  HistogramParser hists;
  LoadResult out = parse_except_series(document, hists, Reading::kWhole);
  out.series = std::move(series);
  return out;
}

json to_json(const StepResult& s) {
  json out = {{"name", s.name},
              {"requests", s.requests},
              {"rps", s.rps},
              {"errors", errors_json(s.errors)},
              {"latency", s.latency.to_json()},
              {"service_time", s.service_time ? s.service_time->to_json() : json(nullptr)},
              {"percentiles_ms", percentiles_json(s.latency.to_histogram())},
              {"poll", flow_json(s.poll)},
              {"group", flow_json(s.group)},
              {"ws", s.ws ? ws_json(*s.ws) : json(nullptr)}};
  if (s.checks) out["checks"] = checks_json(*s.checks);
  // Only where answers were stamped, so documents without keep their shape.
  if (s.read_lag) {
    out["read_lag"] = s.read_lag->to_json();
    out["read_lag_percentiles_ms"] = percentiles_json(s.read_lag->to_histogram());
  }
  return out;
}

json to_json(const SeriesPoint& p) {
  json out = {{"t_s", p.t_s},
              {"dt_s", p.dt_s},
              {"requests", p.requests},
              {"errors", p.errors},
              {"users", p.users ? json(*p.users) : json(nullptr)},
              {"rate", optional_json(p.rate)},
              {"latency", p.latency.to_json()}};
  // Only where iterations began, as the WebSocket counts below: a point without reads as 0.
  if (p.iterations) out["iterations"] = *p.iterations;
  // Only where ws: steps ran, so HTTP documents keep their shape.
  if (p.ws_in || p.ws_out) {
    out["ws_messages_in"] = p.ws_in;
    out["ws_messages_out"] = p.ws_out;
  }
  if (p.ws_latency) out["ws_latency"] = p.ws_latency->to_json();
  return out;
}

json to_json_without_series(const LoadResult& r) {
  json doc;
  doc["schema"] = kResultSchema;
  doc["scenario"] = {
      {"name", r.scenario_name}, {"file", r.scenario_file}, {"executor", r.executor}};
  if (!r.scenario_config.is_null()) doc["scenario"]["config"] = r.scenario_config;
  doc["target"] = r.target;
  if (r.engine) {
    doc["engine"] = {
        {"name", r.engine->name},
        {"http", r.engine->http},
        {"tls", r.engine->tls},
        {"tls_verify", r.engine->tls_verify},
        {"responses_by_http_version", counts_json(r.engine->responses_by_http_version)}};
  }
  doc["started_at"] = r.started_at;
  doc["duration_s"] = r.duration_s;
  doc["shard"] = {{"index", r.shard_index}, {"count", r.shard_count}};
  if (r.merged_from > 0) doc["shard"]["merged_from"] = r.merged_from;
  doc["steps"] = json::array();
  for (const auto& s : r.steps) doc["steps"].push_back(to_json(s));
  doc["totals"] = {
      {"requests", r.total_requests}, {"errors", r.total_errors}, {"rps", r.total_rps}};
  if (r.total_checks) doc["totals"]["checks"] = checks_json(*r.total_checks);
  doc["resources"] = {{"host", host_json(r.host)}, {"target", target_json(r.target_process)}};
  if (r.resources_by_shard) {
    doc["resources_by_shard"] = json::array();
    for (const auto& s : *r.resources_by_shard) {
      doc["resources_by_shard"].push_back(
          {{"shard", s.shard},
           {"resources", s.host
                             ? json{{"host", host_json(*s.host)}, {"target", target_json(s.target)}}
                             : json(nullptr)}});
    }
  }
  if (r.client) {
    doc["client"] = {{"threads", r.client->threads},
                     {"cpu_s", r.client->cpu_s},
                     {"cpu_us_per_request", r.client->cpu_us_per_request},
                     {"warnings", r.client->warnings}};
    if (r.client->peak_connections) doc["client"]["peak_connections"] = *r.client->peak_connections;
  }
  doc["open_model"] = r.open_model ? json{{"late_sends", r.open_model->late_sends},
                                          {"dropped_sends", r.open_model->dropped_sends}}
                                   : json(nullptr);
  if (r.stress) {
    json stages = json::array();
    for (const auto& s : r.stress->stages) stages.push_back(stage_json(s));
    doc["stress"] = {{"knee_rate", optional_json(r.stress->knee_rate)}, {"stages", stages}};
  } else {
    doc["stress"] = nullptr;
  }
  doc["soak"] = r.soak
                    ? json{{"rss_slope_bytes_per_s", optional_json(r.soak->rss_slope_bytes_per_s)},
                           {"rss_growth_bytes", optional_json(r.soak->rss_growth_bytes)},
                           {"leak_threshold_bytes", optional_json(r.soak->leak_threshold_bytes)},
                           {"suspected_leak", r.soak->suspected_leak}}
                    : json(nullptr);
  doc["thresholds"] = json::array();
  for (const auto& t : r.thresholds) doc["thresholds"].push_back(threshold_json(t));
  doc["aborted"] = r.aborted;
  doc["abort_reason"] = r.abort_reason.empty() ? json(nullptr) : json(r.abort_reason);
  doc["passed"] = r.passed;
  return doc;
}

json to_json(const LoadResult& r) {
  json doc = to_json_without_series(r);
  doc["series"] = json::array();
  for (const auto& p : r.series) doc["series"].push_back(to_json(p));
  return doc;
}

}  // namespace neuro::load
