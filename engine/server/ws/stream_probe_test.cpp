// Measures /ws/stream push latency (the packet's server timestamp to the client's receipt) for
// many subscribers of one synthetic profile, with the server on its own thread and every client
// on another. Runs only when NEUROPERF_WS_PROBE=1 (label `probe`, not part of scripts/test):
//   NEUROPERF_WS_PROBE=1 NEUROPERF_WS_PROBE_SUBSCRIBERS=1000
//   NEUROPERF_WS_PROBE_PROFILE=openbci_cyton build/release/engine/server/ws/server_ws_probe
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/server/ws/messages.hpp"
#include "engine/server/ws/ws_test_support.hpp"

namespace neuro::server::ws::testing {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

struct ProbeClient {
  explicit ProbeClient(net::io_context& ioc) : ws(ioc) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::optional<std::uint64_t> last_seq;
};

class ProbeTest : public ServiceTest {};

TEST_F(ProbeTest, PushLatency) {
  if (env_or("NEUROPERF_WS_PROBE", "") != "1") GTEST_SKIP() << "set NEUROPERF_WS_PROBE=1";
  const int subscribers = std::stoi(env_or("NEUROPERF_WS_PROBE_SUBSCRIBERS", "100"));
  const std::string profile = env_or("NEUROPERF_WS_PROBE_PROFILE", "ant_neuro");
  const double seconds = std::stod(env_or("NEUROPERF_WS_PROBE_SECONDS", "20"));
  WebSocketOptions options;
  WebSocketService service(*pool_, sessions_, options);
  LoopbackServer server(service, 1);

  net::io_context ioc;
  std::vector<std::unique_ptr<ProbeClient>> clients;
  const std::string subscribe =
      R"({"type":"subscribe","channels":["neural_data"],"profile":")" + profile + R"("})";
  for (int i = 0; i < subscribers; ++i) {
    auto c = std::make_unique<ProbeClient>(ioc);
    beast::get_lowest_layer(c->ws).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    c->ws.handshake("127.0.0.1", "/ws/stream");
    c->ws.write(net::buffer(subscribe));
    clients.push_back(std::move(c));
  }
  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<std::size_t>(subscribers * seconds * 12));
  std::int64_t gaps = 0, packets = 0;
  const double warmup_until = epoch_seconds_now() + 1.0;
  std::function<void(ProbeClient*)> read = [&](ProbeClient* c) {
    c->ws.async_read(c->buffer, [&, c](beast::error_code ec, std::size_t) {
      if (ec) return;
      const double now = epoch_seconds_now();
      const auto data = c->buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      // The head alone ({"type":"neural_data","timestamp":T,"seq":N,...}): parsing every
      // sample would make this client, not the server, the bottleneck.
      if (text.starts_with(R"({"type":"neural_data","timestamp":)")) {
        const auto head =
            nlohmann::json::parse(std::string(text.substr(0, text.find(R"(,"device")"))) + "}");
        const auto seq = head["seq"].get<std::uint64_t>();
        if (c->last_seq && seq != *c->last_seq + 1) ++gaps;
        c->last_seq = seq;
        if (now > warmup_until) {
          latencies_us.push_back((now - head["timestamp"].get<double>()) * 1e6);
          ++packets;
        }
      }
      c->buffer.consume(c->buffer.size());
      read(c);
    });
  };
  for (auto& c : clients) read(c.get());
  ioc.run_for(std::chrono::milliseconds(static_cast<int>((seconds + 1.0) * 1000)));
  ASSERT_FALSE(latencies_us.empty());
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double q) {
    return latencies_us[static_cast<std::size_t>(q * static_cast<double>(latencies_us.size() - 1))];
  };
  const auto stats = service.stats();
  std::printf(
      "probe: %d subscribers of %s, %.0f s: %lld pushes, p50 %.0f us, p99 %.0f us, p99.9 %.0f us, "
      "max %.0f us, seq gaps %lld, dropped %lld\n",
      subscribers, profile.c_str(), seconds, static_cast<long long>(packets), pct(0.5), pct(0.99),
      pct(0.999), latencies_us.back(), static_cast<long long>(gaps),
      static_cast<long long>(stats.messages_dropped_total));
  EXPECT_EQ(gaps, 0);
  service.shutdown(std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace neuro::server::ws::testing
