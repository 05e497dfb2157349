#include "load/results/ws_stats.hpp"

#include <charconv>

#include "engine/base/errors.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
double per_s(std::int64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; }

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
  read_lag.merge(o.read_lag);
  other_host = other_host || o.other_host;
}

WsResult ws_result(const WsStats& ws, double duration_s) {
  WsResult w;
  w.sessions = ws.sessions;
  w.messages_in = ws.messages_in;
  w.messages_out = ws.messages_out;
  w.bytes_in = ws.bytes_in;
  w.bytes_out = ws.bytes_out;
  w.messages_in_per_s = per_s(ws.messages_in, duration_s);
  w.messages_out_per_s = per_s(ws.messages_out, duration_s);
  w.bytes_in_per_s = per_s(ws.bytes_in, duration_s);
  w.bytes_out_per_s = per_s(ws.bytes_out, duration_s);
  w.measured = ws.measured;
  w.seq_gaps = ws.seq_gaps;
  w.seq_backwards = ws.seq_backwards;
  w.pings_answered = ws.pings_answered;
  for (const auto& [code, n] : ws.close_codes) w.close_codes[std::to_string(code)] = n;
  for (std::size_t i = 0; i < ws.errors.size(); ++i) w.errors[kWsErrorNames[i]] = ws.errors[i];
  w.connect = SparseHistogram::from(ws.connect);
  w.latency = SparseHistogram::from(ws.latency);
  w.latency_mean_ms = ws.latency.mean_ns() / 1e6;
  w.read_lag = SparseHistogram::from(ws.read_lag);
  w.clock = ws.other_host ? "another host: the clocks' offset is in the latency" : "one host";
  return w;
}

WsStats ws_stats(const WsResult& w) {
  WsStats ws;
  ws.used = true;
  ws.sessions = w.sessions;
  ws.messages_in = w.messages_in;
  ws.messages_out = w.messages_out;
  ws.bytes_in = w.bytes_in;
  ws.bytes_out = w.bytes_out;
  ws.measured = w.measured;
  ws.seq_gaps = w.seq_gaps;
  ws.seq_backwards = w.seq_backwards;
  ws.pings_answered = w.pings_answered;
  for (const auto& [code, n] : w.close_codes) {
    int number = 0;
    const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), number);
    if (ec != std::errc() || end != code.data() + code.size()) {
      throw base::InvalidArgument("ws.close_codes: '" + code + "' is not a close code");
    }
    ws.close_codes[number] += n;
  }
  for (std::size_t i = 0; i < kWsErrorNames.size(); ++i) {
    if (const auto it = w.errors.find(kWsErrorNames[i]); it != w.errors.end()) {
      ws.errors[i] = it->second;
    }
  }
  ws.connect = w.connect.to_histogram();
  ws.latency = w.latency.to_histogram();
  ws.read_lag = w.read_lag.to_histogram();
  ws.other_host = w.clock != "one host";
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
  if (ws.read_lag.count() > 0) {
    o["ws_read_lag_p50"] = ms(ws.read_lag.percentile_ns(50));
    o["ws_read_lag_p99"] = ms(ws.read_lag.percentile_ns(99));
  }
}

}  // namespace neuro::load
