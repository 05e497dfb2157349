// The two WebSocket routes. Push latency: one /ws/stream subscriber of a synthetic ANT Neuro
// stream (32 ch x 100 samples every 100 ms, JSON); an iteration is one neural_data packet and
// its time is the packet's server timestamp to its arrival here (same machine, same clock), so
// the ~100 ms between packets is not measured; ops_per_second is packets per wall second and
// seq_gaps counts packets missing between those received. Device ack: one /ws/devices device
// (OpenBCI Cyton, 8 ch x 25 samples per packet); an iteration sends one data packet and waits
// for its ack (round trip). The device unregisters after the loop, outside the timing.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "benchmarks/bench_http/http_env.hpp"
#include "benchmarks/bench_http/ws_client.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "benchmarks/common/latency_counters.hpp"

namespace neuro::bench::http_bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The next message of `type` (others skipped); throws when none comes within `timeout`.
nlohmann::json read_type(WsClient& ws, const std::string& type, std::chrono::milliseconds timeout,
                         WsMessage* raw = nullptr) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto message = left.count() > 0 ? ws.read(left) : std::nullopt;
    if (!message) throw std::runtime_error("no '" + type + "' message within the timeout");
    if (message->binary) continue;
    auto j = nlohmann::json::parse(message->text);
    if (j.value("type", "") == "error")
      throw std::runtime_error("server error: " + j.value("message", std::string()));
    if (j.value("type", "") != type) continue;
    if (raw != nullptr) *raw = std::move(*message);
    return j;
  }
}

void BM_WsPushLatency(benchmark::State& state, const char* profile) {
  auto client = client_or_skip(state);
  if (!client) return;
  base::LatencyHistogram histogram;
  double measured = 0.0;
  std::int64_t gaps = 0;
  try {
    WsClient ws(client->target(), "/ws/stream", client->token());
    ws.send(
        nlohmann::json{{"type", "subscribe"}, {"channels", {"neural_data"}}, {"profile", profile}}
            .dump());
    read_type(ws, "subscribed", 5s);
    std::int64_t last_seq = -1;
    const auto start = Clock::now();
    for (auto _ : state) {
      WsMessage raw;
      const auto packet = read_type(ws, "neural_data", 5s, &raw);
      const double sent_s = packet.at("timestamp").get<double>();
      const double received_s =
          std::chrono::duration<double>(raw.received.time_since_epoch()).count();
      const double latency_s = std::max(received_s - sent_s, 1e-9);
      state.SetIterationTime(latency_s);
      histogram.record(static_cast<std::int64_t>(latency_s * 1e9));
      measured += 1.0;
      const auto seq = packet.at("seq").get<std::int64_t>();
      if (last_seq >= 0 && seq > last_seq + 1) gaps += seq - last_seq - 1;
      last_seq = seq;
    }
    const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    state.counters["ops_per_second"] = wall_s > 0.0 ? measured / wall_s : 0.0;
    state.counters["seq_gaps"] = static_cast<double>(gaps);
    set_latency_counters(state, histogram, "latency");
  } catch (const std::exception& e) {
    skip_with(state, e);
  }
}

void BM_WsDeviceAck(benchmark::State& state) {
  auto client = client_or_skip(state);
  if (!client) return;
  const std::string device = "bench_http_device_" + std::to_string(::getpid());
  try {
    WsClient ws(client->target(), "/ws/devices", client->token());
    ws.send(nlohmann::json{
        {"type", "register"},
        {"device_id", device},
        {"device_type", "openbci_cyton"},
        {"channels", 8},
        {"sample_rate",
         250}}.dump());
    read_type(ws, "registered", 10s);
    nlohmann::json data = nlohmann::json::array();
    for (int ch = 0; ch < 8; ++ch) {
      nlohmann::json samples = nlohmann::json::array();
      for (int i = 0; i < 25; ++i) samples.push_back(10.0 * ch + 0.1 * i);
      data.push_back(std::move(samples));
    }
    std::int64_t packet_id = 0;
    double timestamp_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    timed_loop(state, [&] {
      const nlohmann::json packet = {{"type", "data"},
                                     {"device_id", device},
                                     {"timestamp", timestamp_s},
                                     {"data", data},
                                     {"packet_id", packet_id}};
      const std::string text = packet.dump();  // outside nothing: encoding is the client's cost
      ws.send(text);
      for (;;) {
        const auto ack = read_type(ws, "ack", 5s);
        if (ack.at("packet_id") == packet_id) break;  // earlier acks cannot be pending: serial
      }
      ++packet_id;
      timestamp_s += 0.1;  // 25 samples at 250 Hz
    });
    ws.send(nlohmann::json{{"type", "unregister"}, {"device_id", device}}.dump());
    const auto bye = read_type(ws, "unregistered", 30s);
    if (bye.value("packets", std::int64_t{-1}) != packet_id) {
      state.SkipWithError(("unregistered: expected " + std::to_string(packet_id) +
                           " packets, the server counted " + bye.dump())
                              .c_str());
    }
  } catch (const std::exception& e) {
    skip_with(state, e);
  }
}

// Each push waits for the stream's next 100 ms packet: a fixed count keeps a repetition at 5 s
// (Google Benchmark would otherwise run ~min_time / latency iterations, minutes).
void push_defaults(benchmark::internal::Benchmark* b) {
  b->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(smoke_mode() ? 3 : 50);
  fixed_iterations_from_env(b);
}

BENCHMARK_CAPTURE(BM_WsPushLatency, ant_neuro, "ant_neuro")->Apply(push_defaults);
BENCHMARK(BM_WsDeviceAck)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Apply(fixed_iterations_from_env);

}  // namespace
}  // namespace neuro::bench::http_bench
