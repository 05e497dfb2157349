// /ws/devices through a loopback acceptor: register, data, ack, unregister; every acked packet
// read back from PostgreSQL equal to the streaming filter applied to what was sent; a device
// that never reads its acks; a device whose session row is slow to make, beside another; a live
// device followed on /ws/stream.
#include <gtest/gtest.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/dsp/streaming_filter.hpp"
#include "engine/server/ws/device_session.hpp"
#include "engine/server/ws/messages.hpp"
#include "engine/server/ws/ws_test_support.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server::ws::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class DevicesTest : public ServiceTest {
 public:  // also for run_unread_acks below
  std::unique_ptr<WebSocketService> make_service(WebSocketOptions options = {}) {
    return std::make_unique<WebSocketService>(*pool_, sessions_, options);
  }
  // Per channel, every stored sample of a session in time order.
  std::vector<std::vector<float>> stored(std::int64_t session_id, std::size_t channels) {
    store::Connection c(store::pg_url_from_env());
    c.set_search_path(schema_);
    std::vector<std::vector<float>> out(channels);
    std::int64_t last_start = -1;
    std::int32_t last_channel = -1;
    for (const auto& chunk : store::read_chunks(c, session_id)) {
      EXPECT_LT(static_cast<std::size_t>(chunk.channel), channels);
      if (chunk.channel == last_channel) {
        EXPECT_GT(chunk.chunk_start_us, last_start);
      }
      last_channel = chunk.channel;
      last_start = chunk.chunk_start_us;
      auto& to = out.at(static_cast<std::size_t>(chunk.channel));
      to.insert(to.end(), chunk.samples.begin(), chunk.samples.end());
    }
    return out;
  }
};

// channels x samples of random float32 microvolts, as the documents' clients send them.
common::SignalBlock random_packet(std::mt19937& rng, std::size_t channels, std::size_t samples,
                                  double rate) {
  std::normal_distribution<float> noise(0.0f, 20.0f);
  common::SignalBlock block(channels, samples, rate);
  for (std::size_t i = 0; i < block.size(); ++i) block.data()[i] = noise(rng);
  return block;
}

std::string data_message(const std::string& device, const common::SignalBlock& block, int id) {
  json data = json::array();
  for (std::size_t c = 0; c < block.channels(); ++c) {
    const auto ch = block.channel(c);
    data.push_back(std::vector<double>(ch.begin(), ch.end()));  // float32 -> double, as tolist()
  }
  return json{{"type", "data"},
              {"device_id", device},
              {"timestamp", epoch_seconds_now()},
              {"data", data},
              {"packet_id", id}}
      .dump();
}

// `count` random packets of channels x samples sent by `device` as `id`, each acknowledged
// before the next; appended to `sent` (packet_id = its index there).
void send_acked(Client& device, const std::string& id, std::mt19937& rng, int count,
                std::size_t channels, std::size_t samples, double rate,
                std::vector<common::SignalBlock>& sent) {
  for (int i = 0; i < count; ++i) {
    sent.push_back(random_packet(rng, channels, samples, rate));
    device.send(data_message(id, sent.back(), static_cast<int>(sent.size()) - 1));
    ASSERT_TRUE(device.read_until("ack")) << "packet " << sent.size() - 1;
  }
}

std::string register_message(const std::string& device, int channels, double rate) {
  return json{{"type", "register"},
              {"device_id", device},
              {"device_type", "OpenBCI_Cyton"},
              {"channels", channels},
              {"sample_rate", rate}}
      .dump();
}

// The reference: the same filter, fed the same packets, straight from engine/dsp.
std::vector<std::vector<float>> reference(const std::vector<common::SignalBlock>& packets,
                                          std::size_t channels, double rate) {
  dsp::StreamingFilter filter(device_filter(rate), channels);
  filter.reset(dsp::StreamingFilter::Start::kSteadyState);
  std::vector<std::vector<float>> out(channels);
  common::SignalBlock filtered;
  for (const auto& p : packets) {
    filter.process(p, filtered);
    for (std::size_t c = 0; c < channels; ++c) {
      const auto ch = filtered.channel(c);
      out[c].insert(out[c].end(), ch.begin(), ch.end());
    }
  }
  return out;
}

TEST_F(DevicesTest, StoresTheFilteredPackets) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client device(server.port(), "/ws/devices");
  device.send(register_message("cyton_1", 8, 250));
  auto m = device.read();
  ASSERT_TRUE(m);
  auto j = json::parse(m->text);
  ASSERT_EQ(j["type"], "registered") << m->text;
  const std::int64_t session_id = std::stoll(j["session_id"].get<std::string>());
  ASSERT_EQ(sessions_.opened.size(), 1u);
  EXPECT_EQ(sessions_.opened[0].device_id, "cyton_1");

  std::mt19937 rng(7);
  std::vector<common::SignalBlock> sent;
  constexpr int kPackets = 25;
  for (int i = 0; i < kPackets; ++i) {
    sent.push_back(random_packet(rng, 8, 25, 250.0));
    device.send(data_message("cyton_1", sent.back(), i));
    m = device.read();
    ASSERT_TRUE(m);
    j = json::parse(m->text);
    ASSERT_EQ(j["type"], "ack") << m->text;
    EXPECT_EQ(j["packet_id"], i);
    EXPECT_NEAR(j["server_time"].get<double>(), epoch_seconds_now(), 1.0);
  }
  const auto live = service->live_devices();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].device_id, "cyton_1");
  EXPECT_EQ(live[0].channels, 8);
  EXPECT_EQ(live[0].packets, kPackets);

  device.send(R"({"type":"unregister","device_id":"cyton_1"})");
  m = device.read_until("unregistered");
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["packets"], kPackets);
  EXPECT_TRUE(service->live_devices().empty());
  const auto closed = sessions_.closed_now();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0], std::make_pair(session_id, std::int64_t{kPackets}));

  const auto stats = service->stats();
  EXPECT_EQ(stats.packets_acked_total, kPackets);
  EXPECT_EQ(stats.packets_stored_total, kPackets);
  EXPECT_EQ(stats.device_sessions, 1);

  const auto expect = reference(sent, 8, 250.0);
  const auto got = stored(session_id, 8);
  for (std::size_t c = 0; c < 8; ++c) {
    ASSERT_EQ(got[c].size(), 25u * kPackets) << "channel " << c;
    for (std::size_t s = 0; s < got[c].size(); ++s) {
      ASSERT_EQ(got[c][s], expect[c][s]) << "channel " << c << " sample " << s;
    }
  }
}

TEST_F(DevicesTest, DeviceSurvivesBadMessages) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client device(server.port(), "/ws/devices");
  const std::vector<std::string> bad = {
      "{not json",
      R"({"type":"data","device_id":"x","data":[[1]]})",  // before register
      R"({"type":"launch"})",
  };
  for (const auto& text : bad) {
    device.send(text);
    const auto m = device.read();
    ASSERT_TRUE(m);
    EXPECT_EQ(json::parse(m->text)["type"], "error") << text;
  }
  device.send(register_message("d2", 2, 250));
  ASSERT_TRUE(device.read_until("registered"));
  device.send(R"({"type":"data","device_id":"d2","data":[[1,2],[3]],"packet_id":1})");
  auto m = device.read();
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["type"], "error");
  device.send(register_message("d3", 2, 250));  // a second device on the same connection
  m = device.read();
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["type"], "error");
  Client other(server.port(), "/ws/devices");
  other.send(register_message("d2", 2, 250));  // the id is taken
  m = other.read();
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["type"], "error");
  device.send(R"({"type":"data","device_id":"d2","data":[[1,2],[3,4]],"packet_id":"p"})");
  m = device.read();
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["packet_id"], "p");
  EXPECT_EQ(service->stats().protocol_errors_total, 6);
  EXPECT_EQ(service->stats().packets_acked_total, 1);
  EXPECT_FALSE(device.closed());
}

// A device that never reads its acks. The acks fill the client's tiny receive buffer and then
// the server's tiny send buffer; the server must go on reading and acking, dropping the oldest
// waiting acks. One caveat lies beneath the server: once the unread acks overrun the client's
// socket memory, Linux (6.18 seen) drops whatever reaches the client, the server's TCP ACKs
// included, so the client's own sends can sit in retransmission backoff for many seconds while
// the server has read everything that arrived (`ss -tmi`: client backoff 5, lost segments;
// server Recv-Q 0). A run that shows exactly that (nothing unread at the server, the client's
// retransmission timer backing off, no progress) says nothing about the server and is run
// again; a server that stops reading leaves bytes unread at its socket and fails.
enum class UnreadRun { kDone, kStalledBeneath };

UnreadRun run_unread_acks(DevicesTest& test, CountingSessions& sessions) {
  WebSocketOptions options;
  options.max_queued_messages = 4;
  auto service = test.make_service(options);
  LoopbackServer server(*service, 1, 4096);
  Client device(server.port(), "/ws/devices", /*reading=*/false, 4096);
  device.send(register_message("ant_1", 32, 1000));
  const auto stalled_beneath = [&] {
    return server.unread_bytes() == 0 && device.retransmission_backoff() >= 2;
  };
  std::mt19937 rng(3);
  std::vector<common::SignalBlock> sent;
  // 100 packets of ~70 KB as the documents' clients send them, then many small ones, so that
  // the acks (~60 bytes each) overflow the socket buffers and the queue.
  constexpr int kLarge = 100;
  constexpr int kPackets = 1500;
  std::int64_t deepest = 0;
  std::size_t samples_sent = 0;
  for (int i = 0; i < kPackets; ++i) {
    sent.push_back(random_packet(rng, 32, i < kLarge ? 100 : 1, 1000.0));
    samples_sent += sent.back().samples();
    const auto text = data_message("ant_1", sent.back(), i);
    if (i == 0) {
      EXPECT_GT(text.size(), 50'000u);
    }
    device.start_send(text);
    for (int waited_s = 0; !device.sent(milliseconds(1000)); ++waited_s) {
      if (stalled_beneath()) return UnreadRun::kStalledBeneath;
      if (waited_s == 20) {
        ADD_FAILURE() << "packet " << i << ": the write did not complete in 20 s";
        return UnreadRun::kDone;
      }
    }
    deepest = std::max(deepest, service->stats().max_queue_depth);
  }
  // Every packet is acknowledged although no ack was read.
  // Up to 20 s: under ThreadSanitizer on a loaded machine 1,500 packets take several seconds.
  std::int64_t acked = -1;
  for (int still = 0, wait = 0; wait < 400; ++wait) {
    const auto now = service->stats().packets_acked_total;
    if (now == kPackets) break;
    still = now == acked ? still + 1 : 0;
    acked = now;
    if (still >= 20 && stalled_beneath()) return UnreadRun::kStalledBeneath;
    std::this_thread::sleep_for(milliseconds(50));
  }
  const auto stats = service->stats();
  EXPECT_EQ(stats.packets_acked_total, kPackets) << server.unread_bytes() << " bytes unread";
  EXPECT_GT(stats.messages_dropped_total, 0);
  EXPECT_LE(deepest, 4);
  EXPECT_LE(stats.max_queue_depth, 4);
  // Now read: the connection is still open; the newest acks arrive, then unregister's answer.
  std::optional<int> last_ack;
  device.send(R"({"type":"unregister"})");
  for (;;) {
    const auto m = device.read(milliseconds(5000));
    if (!m) {
      ADD_FAILURE() << "connection closed or silent";
      return UnreadRun::kDone;
    }
    const auto j = json::parse(m->text);
    if (j["type"] == "ack") last_ack = j["packet_id"].get<int>();
    if (j["type"] == "unregistered") {
      EXPECT_EQ(j["packets"], kPackets);
      break;
    }
  }
  EXPECT_EQ(last_ack, kPackets - 1);
  const auto expect = reference(sent, 32, 1000.0);
  const auto got = test.stored(sessions.closed_now().back().first, 32);
  for (std::size_t c = 0; c < 32; ++c) {
    EXPECT_EQ(got[c].size(), samples_sent);
    EXPECT_EQ(got[c], expect[c]) << "channel " << c;
  }
  return UnreadRun::kDone;
}

TEST_F(DevicesTest, UnreadAcksDoNotStallDevice) {
  constexpr int kRuns = 5;  // under ASan on a busy machine 3 stalled runs in a row were seen
  for (int run = 1;; ++run) {
    if (run_unread_acks(*this, sessions_) == UnreadRun::kDone) break;
    std::cerr << "run " << run << ": TCP stalled beneath the client (server read all); again\n";
    ASSERT_LT(run, kRuns) << "TCP stalled beneath the client in " << kRuns << " runs in a row";
  }
}

// A device whose session row is slow to make (a slow PostgreSQL) holds only itself: another
// device on the same network thread gets its ack while that row is held (the store call waits
// until the test has seen the ack), and what the slow one sends before its `registered` waits
// in the socket and is taken afterwards, not refused.
class GatedSessions : public CountingSessions {
 public:
  std::int64_t open_device_session(const LiveDevice& device) override {
    if (device.device_id.rfind("slow", 0) == 0) {
      std::unique_lock lock(gate_mutex_);
      gate_.wait(lock, [&] { return open_; });
    }
    return CountingSessions::open_device_session(device);
  }
  void open() {
    {
      std::lock_guard lock(gate_mutex_);
      open_ = true;
    }
    gate_.notify_all();
  }

 private:
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool open_ = false;
};

TEST_F(DevicesTest, SlowRowHoldsOnlyItsDevice) {
  GatedSessions sessions;
  WebSocketService service(*pool_, sessions, WebSocketOptions{});
  // Destroyed before the service, so that a failed assertion still lets the row be made.
  const std::unique_ptr<GatedSessions, void (*)(GatedSessions*)> opens_at_exit(
      &sessions, [](GatedSessions* s) { s->open(); });
  LoopbackServer server(service, 1);  // one network thread for both devices
  Client fast(server.port(), "/ws/devices");
  fast.send(register_message("fast_1", 2, 250));
  ASSERT_TRUE(fast.read_until("registered"));
  Client slow(server.port(), "/ws/devices");
  slow.send(register_message("slow_1", 2, 250));
  std::mt19937 rng(5);
  slow.send(data_message("slow_1", random_packet(rng, 2, 25, 250.0), 1));
  std::this_thread::sleep_for(milliseconds(200));  // the slow row is being made
  const auto sent = std::chrono::steady_clock::now();
  fast.send(data_message("fast_1", random_packet(rng, 2, 25, 250.0), 7));
  const auto ack = fast.read_until("ack", milliseconds(5000));
  ASSERT_TRUE(ack) << "the fast device's ack waited for the slow device's session row";
  EXPECT_EQ(json::parse(ack->text)["packet_id"], 7);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, milliseconds(1000))
      << "the fast device's ack waited for the slow device's session row";
  sessions.open();
  auto m = slow.read(milliseconds(5000));
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["type"], "registered") << m->text;
  m = slow.read(milliseconds(5000));
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["type"], "ack") << m->text;
  EXPECT_EQ(json::parse(m->text)["packet_id"], 1);
  EXPECT_EQ(service.stats().protocol_errors_total, 0);
}

TEST_F(DevicesTest, LiveDeviceReachesFollowers) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client device(server.port(), "/ws/devices");
  device.send(register_message("live_1", 4, 250));
  ASSERT_TRUE(device.read_until("registered"));
  Client follower(server.port(), "/ws/stream");
  follower.send(R"({"type":"subscribe","device_id":"live_1","channels":["neural_data"]})");
  auto m = follower.read_until("subscribed");
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["source"], "device");
  Client by_default(server.port(), "/ws/stream");  // names nothing: the live device
  by_default.send(R"({"type":"subscribe"})");
  m = by_default.read_until("subscribed");
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["device"], "live_1");
  // Cut into messages of at most 10 samples: 25-sample packets arrive as 10 + 10 + 5.
  Client split(server.port(), "/ws/stream");
  split.send(R"({"type":"subscribe","device_id":"live_1","channels":["neural_data"],)"
             R"("samples_per_packet":10})");
  m = split.read_until("subscribed");
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->text)["samples_per_packet"], 10);

  std::mt19937 rng(11);
  std::vector<common::SignalBlock> sent;
  ASSERT_NO_FATAL_FAILURE(send_acked(device, "live_1", rng, 5, 4, 25, 250.0, sent));
  const auto expect = reference(sent, 4, 250.0);
  for (int i = 0; i < 5; ++i) {
    m = follower.read_until("neural_data");
    ASSERT_TRUE(m);
    const auto j = json::parse(m->text);
    EXPECT_EQ(j["seq"], i);
    for (std::size_t c = 0; c < 4; ++c) {
      for (std::size_t s = 0; s < 25; ++s) {
        ASSERT_EQ(static_cast<float>(j["data"][c][s].get<double>()),
                  expect[c][std::size_t{25} * static_cast<std::size_t>(i) + s]);
      }
    }
  }
  std::size_t next_sample = 0;
  double packet_time = 0.0;
  for (std::uint64_t frame = 0; frame < 15; ++frame) {
    m = split.read_until("neural_data");
    ASSERT_TRUE(m);
    const auto j = json::parse(m->text);
    EXPECT_EQ(j["seq"], frame);
    const std::size_t samples = frame % 3 == 2 ? 5 : 10;
    EXPECT_EQ(j["samples"], samples);
    // The messages of one packet carry its timestamp; the next packet's is later.
    const double timestamp = j["timestamp"].get<double>();
    if (frame % 3 == 0) {
      EXPECT_GT(timestamp, packet_time);
      packet_time = timestamp;
    } else {
      EXPECT_EQ(timestamp, packet_time);
    }
    for (std::size_t c = 0; c < 4; ++c) {
      ASSERT_EQ(j["data"][c].size(), samples);
      for (std::size_t s = 0; s < samples; ++s) {
        ASSERT_EQ(static_cast<float>(j["data"][c][s].get<double>()), expect[c][next_sample + s]);
      }
    }
    next_sample += samples;
  }
  device.send(R"({"type":"unregister"})");
  ASSERT_TRUE(follower.read_until("stream_ended"));
  EXPECT_FALSE(follower.closed());
  // The device's last batch is stored and answered before the server goes: the writer thread
  // must not hand its answer to a server already torn down (ThreadSanitizer saw it).
  ASSERT_TRUE(device.read_until("unregistered"));
}

// A packet cut into more messages than the send queue holds is one entry of it: a follower
// that reads gets every message (a queue of 4, packets cut into 50), none dropped.
TEST_F(DevicesTest, CutPacketIsOneQueueEntry) {
  WebSocketOptions options;
  options.max_queued_messages = 4;
  auto service = make_service(options);
  LoopbackServer server(*service);
  Client device(server.port(), "/ws/devices");
  device.send(register_message("wide_1", 4, 500));
  ASSERT_TRUE(device.read_until("registered"));
  Client follower(server.port(), "/ws/stream");
  follower.send(R"({"type":"subscribe","device_id":"wide_1","channels":["neural_data"],)"
                R"("samples_per_packet":1})");
  ASSERT_TRUE(follower.read_until("subscribed"));
  std::mt19937 rng(5);
  std::vector<common::SignalBlock> sent;
  ASSERT_NO_FATAL_FAILURE(send_acked(device, "wide_1", rng, 3, 4, 50, 500.0, sent));
  const auto expect = reference(sent, 4, 500.0);
  for (std::uint64_t frame = 0; frame < 150; ++frame) {
    const auto m = follower.read(milliseconds(5000));
    ASSERT_TRUE(m) << "message " << frame;
    const auto j = json::parse(m->text);
    ASSERT_EQ(j["seq"], frame);
    for (std::size_t c = 0; c < 4; ++c) {
      ASSERT_EQ(static_cast<float>(j["data"][c][0].get<double>()), expect[c][frame]);
    }
  }
  EXPECT_EQ(service->stats().messages_dropped_total, 0);
}

}  // namespace
}  // namespace neuro::server::ws::testing
