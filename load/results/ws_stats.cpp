#include "load/results/ws_stats.hpp"

#include "engine/common/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
double per_s(std::int64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; }

// The same keys as a step's percentiles_ms.
nlohmann::json percentiles(const common::LatencyHistogram& h) {
  return {{"p50", ms(h.percentile_ns(50))},     {"p90", ms(h.percentile_ns(90))},
          {"p95", ms(h.percentile_ns(95))},     {"p99", ms(h.percentile_ns(99))},
          {"p99.9", ms(h.percentile_ns(99.9))}, {"max", ms(h.max_ns())}};
}

}  // namespace

void WsStats::merge(const WsStats& o) {
  used = used || o.used;
  sessions += o.sessions;
  messages_in += o.messages_in;
  messages_out += o.messages_out;
  bytes_in += o.bytes_in;
  bytes_out += o.bytes_out;
  measured += o.measured;
  seq_gaps += o.seq_gaps;
  seq_backwards += o.seq_backwards;
  pings_answered += o.pings_answered;
  for (const auto& [code, n] : o.close_codes) close_codes[code] += n;
  for (std::size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
  connect.merge(o.connect);
  latency.merge(o.latency);
  other_host = other_host || o.other_host;
}

nlohmann::json ws_json(const WsStats& ws, double duration_s) {
  if (!ws.used) return nullptr;
  nlohmann::json errors = nlohmann::json::object();
  for (std::size_t i = 0; i < ws.errors.size(); ++i) errors[kWsErrorNames[i]] = ws.errors[i];
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [code, n] : ws.close_codes) codes[std::to_string(code)] = n;
  return {{"sessions", ws.sessions},
          {"messages_in", ws.messages_in},
          {"messages_out", ws.messages_out},
          {"bytes_in", ws.bytes_in},
          {"bytes_out", ws.bytes_out},
          {"messages_in_per_s", per_s(ws.messages_in, duration_s)},
          {"messages_out_per_s", per_s(ws.messages_out, duration_s)},
          {"bytes_in_per_s", per_s(ws.bytes_in, duration_s)},
          {"bytes_out_per_s", per_s(ws.bytes_out, duration_s)},
          {"measured", ws.measured},
          {"seq_gaps", ws.seq_gaps},
          {"seq_backwards", ws.seq_backwards},
          {"pings_answered", ws.pings_answered},
          {"close_codes", codes},
          {"errors", errors},
          {"connect", SparseHistogram::from(ws.connect).to_json()},
          {"connect_percentiles_ms", percentiles(ws.connect)},
          {"latency", SparseHistogram::from(ws.latency).to_json()},
          {"latency_percentiles_ms", percentiles(ws.latency)},
          {"latency_mean_ms", ws.latency.mean_ns() / 1e6},
          {"latency_clock",
           ws.other_host ? "another host: the clocks' offset is in the latency" : "one host"}};
}

WsStats ws_from_json(const nlohmann::json& j, const std::string& where) {
  WsStats ws;
  if (j.is_null()) return ws;
  if (!j.is_object()) throw common::InvalidArgument(where + ": expected an object or null");
  ws.used = true;
  auto count = [&](const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) {
      throw common::InvalidArgument(where + "." + key + ": expected an integer");
    }
    return it->get<std::int64_t>();
  };
  ws.sessions = count("sessions");
  ws.messages_in = count("messages_in");
  ws.messages_out = count("messages_out");
  ws.bytes_in = count("bytes_in");
  ws.bytes_out = count("bytes_out");
  ws.measured = count("measured");
  ws.seq_gaps = count("seq_gaps");
  ws.seq_backwards = count("seq_backwards");
  ws.pings_answered = count("pings_answered");
  if (const auto c = j.find("close_codes"); c != j.end() && c->is_object()) {
    for (const auto& [code, n] : c->items())
      ws.close_codes[std::stoi(code)] += n.get<std::int64_t>();
  }
  if (const auto e = j.find("errors"); e != j.end() && e->is_object()) {
    for (std::size_t i = 0; i < kWsErrorNames.size(); ++i) {
      ws.errors[i] = e->value(kWsErrorNames[i], std::int64_t{0});
    }
  }
  ws.connect = read_histogram(j.at("connect"), where + ".connect").to_histogram();
  ws.latency = read_histogram(j.at("latency"), where + ".latency").to_histogram();
  ws.other_host = j.value("latency_clock", std::string("one host")) != "one host";
  return ws;
}

void observe_ws(const WsStats& ws, double duration_s, Observations& o) {
  if (!ws.used) return;
  o["gaps"] = static_cast<double>(ws.seq_gaps);
  o["ws_errors"] = static_cast<double>(ws.error_total());
  o["ws_msgs_in"] = per_s(ws.messages_in, duration_s);
  o["ws_msgs_out"] = per_s(ws.messages_out, duration_s);
  if (ws.connect.count() > 0) {
    o["ws_connect_p50"] = ms(ws.connect.percentile_ns(50));
    o["ws_connect_p99"] = ms(ws.connect.percentile_ns(99));
  }
  // Absent without a measured message: a threshold on them then fails as unobserved.
  if (ws.latency.count() > 0) {
    const auto& h = ws.latency;
    o["ws_p50"] = ms(h.percentile_ns(50));
    o["ws_p95"] = ms(h.percentile_ns(95));
    o["ws_p99"] = ms(h.percentile_ns(99));
    o["ws_max"] = ms(h.max_ns());
    o["ws_mean"] = h.mean_ns() / 1e6;
  }
}

}  // namespace neuro::load
