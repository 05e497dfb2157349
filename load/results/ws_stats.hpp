// What a `ws:` step measures besides its sessions' outcomes: connect (TCP connect to the 101),
// per-message latency (from the message's own timestamp, or from a send to its reply),
// messages and bytes each way, sequence gaps, close codes received, errors by kind. Threads,
// shards and runs add up exactly (histograms merge bucket by bucket).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/base/latency_histogram.hpp"
#include "load/results/load_result.hpp"
#include "load/scenario/threshold.hpp"

namespace neuro::load {

// handshake: not a 101 with the right accept; protocol: a frame the client must refuse;
// too_big: a message over max_message; closed: the server closed (or the socket died) before
// the receive ended; until: the awaited message never came; reply: a reply for no packet sent;
// latency_field: a measured message without a readable latency_from field.
inline constexpr std::array<const char*, 7> kWsErrorNames = {
    "handshake", "protocol", "too_big", "closed", "until", "reply", "latency_field"};
enum class WsError { kHandshake, kProtocol, kTooBig, kClosed, kUntil, kReply, kLatencyField };

struct WsStats {
  bool used = false;          // a ws: step (the document's "ws" is null otherwise)
  std::int64_t sessions = 0;  // handshakes accepted
  std::int64_t messages_in = 0, messages_out = 0, bytes_in = 0, bytes_out = 0;  // payload bytes
  std::int64_t measured = 0;                                                    // latencies taken
  std::int64_t seq_gaps = 0;       // sequence numbers skipped
  std::int64_t seq_backwards = 0;  // a number not above the last (repeat or reorder)
  std::int64_t pings_answered = 0;
  std::map<int, std::int64_t> close_codes;  // from the server; 1006 when none came
  std::array<std::int64_t, kWsErrorNames.size()> errors{};
  base::LatencyHistogram connect;
  base::LatencyHistogram latency;
  // Per latency taken on a plain ws:// socket: from the kernel's arrival stamp of the read's
  // last segment to the read (the client's lag, included in `latency`).
  base::LatencyHistogram read_lag;
  // The latency compares the server's clock with ours: only meaningful on one host.
  bool other_host = false;

  void error(WsError e) { ++errors[static_cast<std::size_t>(e)]; }
  std::int64_t error_total() const {
    std::int64_t n = 0;
    for (auto e : errors) n += e;
    return n;
  }
  void merge(const WsStats& o);
};

// The step's "ws" result (rates per second of `duration_s`), and back to stats that merge: the
// histograms go through LatencyHistogram, exact in buckets, min, max and percentiles.
WsResult ws_result(const WsStats& ws, double duration_s);
WsStats ws_stats(const WsResult& ws);
// ws_p50 .. ws_max, ws_mean, ws_connect_p99, ws_read_lag_p50/p99, gaps, ws_errors, ws_msgs_in,
// ws_msgs_out (per second of `duration_s`), added when a ws: step ran.
void observe_ws(const WsStats& ws, double duration_s, Observations& o);

}  // namespace neuro::load
