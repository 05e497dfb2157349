// Measures /ws/stream push latency (the packet's server timestamp to the client's receipt) for
// many subscribers of one synthetic profile, with the server on its own thread and every client
// on another; and the floor beneath it: the same fan-out as plain loopback TCP writes. Runs only
// when NEUROPERF_WS_PROBE=1 (label `probe`, not part of scripts/test):
//   NEUROPERF_WS_PROBE=1 NEUROPERF_WS_PROBE_SUBSCRIBERS=1000
//   NEUROPERF_WS_PROBE_PROFILE=openbci_cyton build/release/engine/server/ws/server_ws_probe
// (NEUROPERF_WS_PROBE_SECONDS: how long, default 20; NEUROPERF_WS_PROBE_WRITERS: the floor's
// writer threads, default 1).
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/common/device_profiles.hpp"
#include "engine/common/synthetic_eeg.hpp"
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

// An epoll instance's descriptor, closed when it goes out of scope.
struct EpollFd {
  EpollFd() = default;
  ~EpollFd() { ::close(fd); }
  EpollFd(const EpollFd&) = delete;
  EpollFd& operator=(const EpollFd&) = delete;
  int fd = ::epoll_create1(0);
};

// The floor: what loopback TCP alone gives one writer thread (NEUROPERF_WS_PROBE_WRITERS: more,
// each with its share of the sockets, all starting the tick together) fanning out a packet of
// the profile's JSON size (no WebSocket, no JSON work) to N sockets in turn with blocking writes,
// read by another thread under epoll; latency from the tick's start to each message's last byte.
TEST(ProbeFloor, LoopbackFanOut) {
  if (env_or("NEUROPERF_WS_PROBE", "") != "1") GTEST_SKIP() << "set NEUROPERF_WS_PROBE=1";
  const int subscribers = std::stoi(env_or("NEUROPERF_WS_PROBE_SUBSCRIBERS", "100"));
  const int writer_threads = std::stoi(env_or("NEUROPERF_WS_PROBE_WRITERS", "1"));
  const std::string profile = env_or("NEUROPERF_WS_PROBE_PROFILE", "ant_neuro");
  const double seconds = std::stod(env_or("NEUROPERF_WS_PROBE_SECONDS", "20"));
  const auto block =
      common::make_synthetic_eeg(common::options_for(common::find_device_profile(profile), 0.1));
  const std::string frame = neural_data_json(profile, 0, epoch_seconds_now(), block);

  net::io_context ioc;  // never run: the sockets are used blocking, or under the reader's epoll
  tcp::acceptor listener(ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  std::vector<tcp::socket> writers, readers;
  for (int i = 0; i < subscribers; ++i) {
    readers.emplace_back(ioc).connect(listener.local_endpoint());
    writers.push_back(listener.accept());
    readers.back().set_option(tcp::no_delay(true));
    writers.back().set_option(tcp::no_delay(true));
  }

  const int ticks = static_cast<int>(seconds * 10);
  std::atomic<std::int64_t> tick_start_ns{0};
  std::atomic<bool> done{false};
  auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  std::vector<double> latencies_us;
  std::thread reader([&] {
    // The floor's own reader: epoll and read(2) directly, nothing between them and the stamp.
    const EpollFd ep;
    for (int i = 0; i < subscribers; ++i) {
      epoll_event ev{EPOLLIN, {.u32 = static_cast<std::uint32_t>(i)}};
      ::epoll_ctl(ep.fd, EPOLL_CTL_ADD, readers[i].native_handle(), &ev);
    }
    std::vector<std::size_t> got(subscribers, 0);
    std::vector<char> buffer(1 << 16);
    std::vector<epoll_event> events(256);
    while (!done.load()) {
      const int n = ::epoll_wait(ep.fd, events.data(), static_cast<int>(events.size()), 100);
      for (int k = 0; k < n; ++k) {
        const auto i = events[k].data.u32;
        const ssize_t r = ::read(readers[i].native_handle(), buffer.data(), buffer.size());
        if (r <= 0) continue;
        got[i] += static_cast<std::size_t>(r);
        while (got[i] >= frame.size()) {  // a message's last byte: its latency
          got[i] -= frame.size();
          latencies_us.push_back(static_cast<double>(now_ns() - tick_start_ns.load()) / 1e3);
        }
      }
    }
  });
  // Each writer thread sleeps to the tick, the last to arrive stamps its start, then each writes
  // to its share of the sockets (every writer_threads-th one).
  std::vector<beast::error_code> write_errors(writer_threads);
  std::atomic<bool> failed{false};
  std::barrier tick_barrier(writer_threads, [&]() noexcept { tick_start_ns.store(now_ns()); });
  const auto first_tick = std::chrono::steady_clock::now();
  auto write_share = [&](int share) {
    auto next = first_tick;
    for (int t = 0; t < ticks; ++t) {
      next += std::chrono::milliseconds(100);
      std::this_thread::sleep_until(next);
      tick_barrier.arrive_and_wait();
      if (failed.load()) continue;  // keep arriving: the others wait for this thread
      for (std::size_t i = static_cast<std::size_t>(share); i < writers.size();
           i += static_cast<std::size_t>(writer_threads)) {
        net::write(writers[i], net::buffer(frame), write_errors[share]);
        if (write_errors[share]) {
          failed.store(true);
          break;
        }
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int share = 1; share < writer_threads; ++share) helpers.emplace_back(write_share, share);
  write_share(0);
  for (auto& h : helpers) h.join();
  beast::error_code write_error;
  for (const auto& e : write_errors) write_error = write_error ? write_error : e;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done.store(true);
  reader.join();
  ASSERT_FALSE(write_error) << write_error.message();
  ASSERT_EQ(latencies_us.size(), static_cast<std::size_t>(ticks) * subscribers);
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double q) {
    return latencies_us[static_cast<std::size_t>(q * static_cast<double>(latencies_us.size() - 1))];
  };
  std::printf(
      "floor: %d sockets x %zu bytes (a %s frame), %d writer thread(s), %d ticks: p50 %.0f us, "
      "p99 %.0f us, max %.0f us\n",
      subscribers, frame.size(), profile.c_str(), writer_threads, ticks, pct(0.5), pct(0.99),
      latencies_us.back());
}

}  // namespace
}  // namespace neuro::server::ws::testing
