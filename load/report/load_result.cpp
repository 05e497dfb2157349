#include "load/report/load_result.hpp"

#include "load/results/json_fields.hpp"

namespace neuro::load_report {

using namespace load::json_read;

namespace {

using nlohmann::json;

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

ErrorCounts read_errors(const ObjectReader& r) {
  ErrorCounts e;
  e.connect = r.count("connect");
  e.read = r.count("read");
  e.write = r.count("write");
  e.timeout = r.count("timeout");
  e.status_4xx = r.count("status_4xx");
  e.status_5xx = r.count("status_5xx");
  if (r.maybe("tls")) e.tls = r.count("tls");
  if (r.maybe("status_unexpected")) e.status_unexpected = r.count("status_unexpected");
  if (r.maybe("poll_timeout")) e.poll_timeout = r.count("poll_timeout");
  return e;
}

WsResult read_ws(const ObjectReader& r, load::HistogramParser& hists) {
  WsResult w;
  w.sessions = r.count("sessions");
  w.seq_gaps = r.count("seq_gaps");
  w.messages_in_per_s = r.number("messages_in_per_s");
  w.messages_out_per_s = r.number("messages_out_per_s");
  w.bytes_in_per_s = r.number("bytes_in_per_s");
  const ObjectReader errors(r.get("errors"), r.at("errors"));
  for (const auto& [kind, n] : r.get("errors").items()) w.errors += errors.count(kind);
  const ObjectReader codes(r.get("close_codes"), r.at("close_codes"));
  for (const auto& [code, n] : r.get("close_codes").items()) {
    if (!w.close_codes.empty()) w.close_codes += ", ";
    w.close_codes += code + " x " + std::to_string(codes.count(code));
  }
  w.clock = r.string("latency_clock");
  w.connect = hists.parse(r.get("connect"), r.at("connect"));
  w.latency = hists.parse(r.get("latency"), r.at("latency"));
  return w;
}

StepResult read_step(const ObjectReader& r, load::HistogramParser& hists) {
  StepResult s;
  s.name = r.string("name");
  s.requests = r.count("requests");
  s.rps = r.number("rps");
  s.errors = read_errors(ObjectReader(r.get("errors"), r.at("errors")));
  s.latency = hists.parse(r.get("latency"), r.at("latency"));
  if (const json* v = r.maybe("service_time"))
    s.service_time = hists.parse(*v, r.at("service_time"));
  // percentiles_ms is the writer's summary; the report recomputes every percentile from the
  // buckets (the exact, mergeable data) and only checks that the summary is well formed.
  if (const json* v = r.maybe("percentiles_ms")) as_object(*v, r.at("percentiles_ms"));
  if (const json* v = r.maybe("checks")) {
    const ObjectReader c(*v, r.at("checks"));
    s.checks_passed = c.count("passed");
    s.checks_failed = c.count("failed");
  }
  for (const auto& [key, into] :
       {std::pair<const char*, std::optional<load::SparseHistogram>*>{"poll", &s.poll},
        {"group", &s.group}}) {
    if (const json* v = r.maybe(key)) {
      const ObjectReader f(*v, r.at(key));
      *into = hists.parse(f.get("latency"), f.at("latency"));
    }
  }
  if (const json* v = r.maybe("ws"); v && !v->is_null()) {
    s.ws = read_ws(ObjectReader(*v, r.at("ws")), hists);
  }
  return s;
}

SeriesPoint read_point(const ObjectReader& r, load::HistogramParser& hists) {
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
  if (const json* v = r.maybe("ws_messages_in")) p.ws_in = as_count(*v, r.at("ws_messages_in"));
  if (const json* v = r.maybe("ws_messages_out")) p.ws_out = as_count(*v, r.at("ws_messages_out"));
  return p;
}

void read_resources(const ObjectReader& r, LoadResult& out) {
  if (const json* host = r.maybe("host")) {
    for_each_element(*host, r.at("host"), [&](const json& e, const std::string& path) {
      const ObjectReader s(e, path);
      HostSample h;
      h.t_s = static_cast<double>(s.count("t_s"));
      h.cpu_percent = s.number("cpu_percent");
      h.mem_used_bytes = s.count("mem_used_bytes");
      h.net_rx_bytes_per_s = s.number("net_rx_bytes_per_s");
      h.net_tx_bytes_per_s = s.number("net_tx_bytes_per_s");
      h.disk_read_bytes_per_s = s.maybe_number("disk_read_bytes_per_s").value_or(0.0);
      h.disk_write_bytes_per_s = s.maybe_number("disk_write_bytes_per_s").value_or(0.0);
      out.host.push_back(h);
    });
  }
  if (const json* target = r.maybe("target")) {
    for_each_element(*target, r.at("target"), [&](const json& e, const std::string& path) {
      const ObjectReader s(e, path);
      const json* processes = s.maybe("processes");
      out.target_process.push_back({static_cast<double>(s.count("t_s")), s.number("cpu_percent"),
                                    s.count("rss_bytes"),
                                    processes ? as_count(*processes, s.at("processes")) : 1});
    });
  }
}

ClientInfo read_client(const ObjectReader& r) {
  ClientInfo c;
  c.threads = r.count("threads");
  c.cpu_s = r.number("cpu_s");
  c.cpu_us_per_request = r.number("cpu_us_per_request");
  if (const json* w = r.maybe("warnings")) {
    for_each_element(*w, r.at("warnings"), [&](const json& e, const std::string& path) {
      c.warnings.push_back(as_string(e, path));
    });
  }
  return c;
}

Stress read_stress(const ObjectReader& r, load::HistogramParser& hists) {
  Stress s;
  s.knee_rate = r.maybe_number("knee_rate");
  for_each_element(r.get("stages"), r.at("stages"), [&](const json& e, const std::string& path) {
    const ObjectReader st(e, path);
    StressStage stage;
    stage.rate = st.number("rate");
    stage.passed = st.boolean("passed");
    if (const json* v = st.maybe("requests")) stage.requests = as_count(*v, st.at("requests"));
    if (const json* v = st.maybe("errors")) stage.errors = as_count(*v, st.at("errors"));
    if (const json* v = st.maybe("latency")) stage.latency = hists.parse(*v, st.at("latency"));
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

ThresholdVerdict read_threshold(const ObjectReader& r) {
  ThresholdVerdict t;
  t.expression = r.string("expression");
  t.metric = r.string_or("metric", "");
  t.unit = r.string_or("unit", "");
  r.get("observed");  // required, though it may be null
  t.observed = r.maybe_number("observed");
  t.limit = r.number("limit");
  t.passed = r.boolean("passed");
  return t;
}

LoadResult parse_except_series(const json& document, load::HistogramParser& hists) {
  const ObjectReader doc(document, "");
  const std::string schema = doc.string("schema");
  if (schema != kSchema) {
    fail("schema", "expected \"" + std::string(kSchema) + "\", got \"" + schema + "\"");
  }
  LoadResult out;
  {
    const ObjectReader sc(doc.get("scenario"), "scenario");
    out.scenario_name = sc.string("name");
    out.scenario_file = sc.string_or("file", "");
    out.executor = sc.string_or("executor", "");
  }
  out.target = doc.string("target");
  out.started_at = doc.string_or("started_at", "");
  out.duration_s = doc.number("duration_s");
  if (const json* v = doc.maybe("shard")) {
    const ObjectReader sh(*v, "shard");
    out.shard_index = sh.count("index");
    out.shard_count = sh.count("count");
    if (const json* m = sh.maybe("merged_from"))
      out.merged_from = as_count(*m, sh.at("merged_from"));
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
  }
  for_each_element(doc.get("steps"), "steps", [&](const json& e, const std::string& path) {
    out.steps.push_back(read_step(ObjectReader(e, path), hists));
  });
  if (const json* v = doc.maybe("resources")) read_resources(ObjectReader(*v, "resources"), out);
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
                     out.thresholds.push_back(read_threshold(ObjectReader(e, path)));
                   });
  if (const json* v = doc.maybe("aborted")) out.aborted = as_bool(*v, "aborted");
  out.abort_reason = doc.string_or("abort_reason", "");
  out.passed = doc.boolean("passed");
  return out;
}

}  // namespace

LoadResult parse_load_result(const json& document) {
  load::HistogramParser hists;
  LoadResult out = parse_except_series(document, hists);
  // Chart windows merge neighbouring seconds, which needs one layout for the whole series; an
  // empty point (every request of that second failed) has no buckets, so its layout is moot.
  std::optional<std::size_t> reference;
  for_each_element(
      ObjectReader(document, "").get("series"), "series",
      [&](const json& e, const std::string& path) {
        out.series.push_back(read_point(ObjectReader(e, path), hists));
        const load::SparseHistogram& last = out.series.back().latency;
        if (last.count > 0 && !reference) reference = out.series.size() - 1;
        const load::SparseHistogram& first = reference ? out.series[*reference].latency : last;
        if (last.count > 0 && (last.highest_ns != first.highest_ns ||
                               last.significant_digits != first.significant_digits)) {
          fail(path + ".latency",
               "histogram layout differs from series[" + std::to_string(*reference) + "].latency");
        }
        if (out.series.back().dt_s != out.series.front().dt_s) {
          fail(path + ".dt_s", "differs from series[0].dt_s (one resolution per series)");
        }
      });
  return out;
}

LoadResult parse_load_result(const json& document, std::vector<SeriesPoint> series) {
  load::HistogramParser hists;
  LoadResult out = parse_except_series(document, hists);
  out.series = std::move(series);
  return out;
}

}  // namespace neuro::load_report
