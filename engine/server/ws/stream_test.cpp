// /ws/stream through a loopback acceptor: sequence, rate and shape per device profile, binary
// frames, bad messages, the message limit, a subscriber that never reads, and shutdown.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/common/device_profiles.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/ws/messages.hpp"
#include "engine/server/ws/ws_test_support.hpp"

namespace neuro::server::ws::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class StreamTest : public ServiceTest {
 protected:
  std::unique_ptr<WebSocketService> make_service(WebSocketOptions options = {}) {
    return std::make_unique<WebSocketService>(*pool_, sessions_, options);
  }
};

double now_s() { return epoch_seconds_now(); }

std::size_t expected_samples(double rate, std::uint64_t k) {
  const double per = rate / 10.0;
  return static_cast<std::size_t>(std::floor((static_cast<double>(k) + 1) * per) -
                                  std::floor(static_cast<double>(k) * per));
}

TEST_F(StreamTest, ProfilesStreamAtTheirRate) {
  auto service = make_service();
  LoopbackServer server(*service);
  std::vector<std::unique_ptr<Client>> clients;
  const double subscribed_at = now_s();
  for (const auto& profile : common::kDeviceProfiles) {
    clients.push_back(std::make_unique<Client>(server.port(), "/ws/stream"));
    clients.back()->send(R"({"type":"subscribe","channels":["neural_data","signal_quality"],)"
                         R"("profile":")" +
                         std::string(profile.name) + R"("})");
  }
  EXPECT_EQ(service->stats().stream_sessions, 4);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const auto& profile = common::kDeviceProfiles[i];
    SCOPED_TRACE(std::string(profile.name));
    auto& client = *clients[i];
    const auto subscribed = client.read_until("subscribed");
    ASSERT_TRUE(subscribed);
    EXPECT_EQ(json::parse(subscribed->text)["channel_count"], profile.channels);
    std::optional<std::uint64_t> first_seq;
    std::uint64_t last_seq = 0;
    int quality = 0;
    std::vector<double> arrival;
    std::size_t total_samples = 0;
    while (arrival.size() < 21) {
      const auto m = client.read(milliseconds(2000));
      ASSERT_TRUE(m) << "no message after " << arrival.size() << " packets";
      const auto j = json::parse(m->text);
      if (j["type"] == "signal_quality") {
        EXPECT_EQ(j["rms_uv"].size(), profile.channels);
        ++quality;
        continue;
      }
      ASSERT_EQ(j["type"], "neural_data");
      const auto seq = j["seq"].get<std::uint64_t>();
      if (first_seq) {
        ASSERT_EQ(seq, last_seq + 1) << "gap";
      } else {
        first_seq = seq;
      }
      last_seq = seq;
      EXPECT_EQ(j["channels"], profile.channels);
      EXPECT_EQ(j["sample_rate"], profile.sample_rate_hz);
      ASSERT_EQ(j["data"].size(), profile.channels);
      const auto samples = j["data"][0].size();
      EXPECT_EQ(samples, expected_samples(profile.sample_rate_hz, seq));
      EXPECT_EQ(j["samples"], samples);
      total_samples += samples;
      // Epoch seconds of when the packet was made: after the subscribe, not in the future.
      EXPECT_GE(j["timestamp"].get<double>(), subscribed_at - 0.2);
      EXPECT_LE(j["timestamp"].get<double>(), now_s() + 0.05);
      arrival.push_back(std::chrono::duration<double>(m->at.time_since_epoch()).count());
    }
    // 20 packet periods of 100 ms (read after the others, so judge the rate by the server's
    // spacing: 21 packets were there within about 2 s + the earlier clients' time).
    EXPECT_GE(quality, 1);
    EXPECT_NEAR(static_cast<double>(total_samples), 2.1 * profile.sample_rate_hz,
                profile.sample_rate_hz * 0.11);
  }
  // The rate: a fresh subscriber receives 10 packets in about one second.
  Client timed(server.port(), "/ws/stream");
  timed.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"ant_neuro"})");
  ASSERT_TRUE(timed.read_until("subscribed"));
  const auto first = timed.read_until("neural_data");
  ASSERT_TRUE(first);
  std::optional<Received> tenth;
  for (int i = 0; i < 10; ++i) tenth = timed.read_until("neural_data");
  ASSERT_TRUE(tenth);
  const double span = std::chrono::duration<double>(tenth->at - first->at).count();
  EXPECT_NEAR(span, 1.0, 0.15);
  EXPECT_EQ(service->stats().protocol_errors_total, 0);
  EXPECT_GT(service->stats().messages_sent_total, 80);
}

TEST_F(StreamTest, BinaryFramesCarrySameShape) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client client(server.port(), "/ws/stream");
  client.send(
      R"({"type":"subscribe","channels":["neural_data"],"profile":"gusbamp","format":"binary"})");
  ASSERT_TRUE(client.read_until("subscribed"));
  std::optional<std::uint64_t> last;
  for (int i = 0; i < 5; ++i) {
    const auto m = client.read();
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->binary);
    ASSERT_GE(m->text.size(), kBinaryHeaderBytes);
    EXPECT_EQ(m->text.substr(0, 4), "NPD1");
    std::uint32_t channels = 0, samples = 0;
    std::uint64_t seq = 0;
    double timestamp = 0;
    std::memcpy(&channels, m->text.data() + 4, 4);
    std::memcpy(&samples, m->text.data() + 8, 4);
    std::memcpy(&seq, m->text.data() + 16, 8);
    std::memcpy(&timestamp, m->text.data() + 24, 8);
    EXPECT_EQ(channels, 16u);
    EXPECT_EQ(samples, expected_samples(512.0, seq));
    EXPECT_EQ(m->text.size(), kBinaryHeaderBytes + std::size_t{4} * channels * samples);
    EXPECT_NEAR(timestamp, now_s(), 1.0);
    if (last) {
      EXPECT_EQ(seq, *last + 1);
    }
    last = seq;
  }
}

// `samples_per_packet` cuts each packet into smaller messages: every sample of the synthetic
// source arrives once, in order, under a gap-free seq of the split stream's own; the messages of
// one packet share its timestamp. A binary subscriber of another size shares the same stream.
TEST_F(StreamTest, SplitCarriesEverySampleOnce) {
  auto service = make_service();
  LoopbackServer server(*service);
  const auto& profile = common::find_device_profile("openbci_cyton");  // 25 samples a packet
  const auto source = common::make_synthetic_eeg(common::options_for(profile, 10.0));
  Client one(server.port(), "/ws/stream");  // the topic's first subscriber: from sample 0
  one.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"openbci_cyton",)"
           R"("samples_per_packet":1})");
  const auto subscribed = one.read_until("subscribed");
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(json::parse(subscribed->text)["samples_per_packet"], 1);
  Client seven(server.port(), "/ws/stream");
  seven.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"openbci_cyton",)"
             R"("format":"binary","samples_per_packet":7})");
  ASSERT_TRUE(seven.read_until("subscribed"));

  std::set<double> packet_times;
  for (std::uint64_t frame = 0; frame < 250; ++frame) {
    const auto m = one.read();
    ASSERT_TRUE(m) << "no message after " << frame;
    const auto j = json::parse(m->text);
    ASSERT_EQ(j["type"], "neural_data");
    ASSERT_EQ(j["seq"], frame);
    ASSERT_EQ(j["samples"], 1);
    ASSERT_EQ(j["data"].size(), profile.channels);
    for (std::size_t c = 0; c < profile.channels; ++c) {
      ASSERT_EQ(static_cast<float>(j["data"][c][0].get<double>()),
                source.channel(c)[frame % source.samples()])
          << "frame " << frame << " channel " << c;
    }
    packet_times.insert(j["timestamp"].get<double>());
  }
  EXPECT_EQ(packet_times.size(), 10u);  // 250 samples: ten packets of 25

  // The binary subscriber joined mid-stream: 7 + 7 + 7 + 4 per packet, contiguous in the source.
  std::optional<std::size_t> offset;
  std::size_t taken = 0;
  for (std::uint64_t frame = 0; frame < 12; ++frame) {
    const auto m = seven.read();
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->binary);
    std::uint32_t channels = 0, samples = 0;
    std::uint64_t seq = 0;
    std::memcpy(&channels, m->text.data() + 4, 4);
    std::memcpy(&samples, m->text.data() + 8, 4);
    std::memcpy(&seq, m->text.data() + 16, 8);
    ASSERT_EQ(channels, profile.channels);
    ASSERT_EQ(m->text.size(), kBinaryHeaderBytes + std::size_t{4} * channels * samples);
    ASSERT_EQ(seq, frame);  // its size's count starts with the first packet it takes part in
    EXPECT_EQ(samples, seq % 4 == 3 ? 4u : 7u) << "seq " << seq;
    std::vector<float> values(std::size_t{channels} * samples);
    std::memcpy(values.data(), m->text.data() + kBinaryHeaderBytes, values.size() * 4);
    if (!offset) {
      for (std::size_t at = 0; at < source.samples(); ++at) {
        bool match = true;
        for (std::size_t c = 0; c < channels && match; ++c) {
          match = values[c * samples] == source.channel(c)[at];
        }
        if (match) {
          offset = at;
          break;
        }
      }
      ASSERT_TRUE(offset) << "the first message's samples are not in the source";
    }
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t s = 0; s < samples; ++s) {
        ASSERT_EQ(values[c * samples + s],
                  source.channel(c)[(*offset + taken + s) % source.samples()])
            << "seq " << seq << " channel " << c << " sample " << s;
      }
    }
    taken += samples;
  }
  EXPECT_EQ(service->stats().messages_dropped_total, 0);
}

// The kernel's tcp_info goes on past glibc's copy of it (Linux 4.2 added the segment counts).
struct TcpInfoWithSegments {
  tcp_info base;
  std::uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
  std::uint32_t segs_out, segs_in;
};

std::uint32_t segments_in(int fd) {
  TcpInfoWithSegments info{};
  socklen_t size = sizeof info;
  EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size), 0);
  EXPECT_EQ(size, sizeof info) << "this kernel's tcp_info has no segment counts";
  return info.segs_in;
}

// The messages of a cut packet leave the server corked: in full segments, not one each, so a
// client reads many per read (25 one-sample messages a packet here).
TEST_F(StreamTest, BurstLeavesInFewSegments) {
  if (sizeof(tcp_info) != 104)
    GTEST_SKIP() << "this libc's tcp_info is not the kernel's first part";
  auto service = make_service();
  LoopbackServer server(*service);
  Client client(server.port(), "/ws/stream");
  client.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"openbci_cyton",)"
              R"("samples_per_packet":1})");
  ASSERT_TRUE(client.read_until("subscribed"));
  const auto before = segments_in(client.native_handle());
  std::vector<double> latency_s;
  for (int i = 0; i < 250; ++i) {
    const auto m = client.read();
    ASSERT_TRUE(m) << "message " << i;
    latency_s.push_back(std::chrono::duration<double>(m->at.time_since_epoch()).count() -
                        json::parse(m->text)["timestamp"].get<double>());
  }
  const auto segments = segments_in(client.native_handle()) - before;
  EXPECT_LT(segments, 50u) << "250 messages in " << segments << " segments";
  // ... and uncorked as soon as the queue is empty: a burst left corked would wait for the
  // kernel's 200 ms ceiling.
  std::nth_element(latency_s.begin(), latency_s.begin() + 125, latency_s.end());
  EXPECT_LT(latency_s[125], 0.1) << "median latency";
}

TEST_F(StreamTest, BadMessageGetsAnError) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client client(server.port(), "/ws/stream");
  client.send("this is not json");
  auto m = client.read();
  ASSERT_TRUE(m);
  auto j = json::parse(m->text);
  EXPECT_EQ(j["type"], "error");
  EXPECT_NE(j["message"].get<std::string>().find("invalid JSON"), std::string::npos);
  client.send(R"({"type":"subscribe","profile":"no_such_device"})");
  m = client.read();
  ASSERT_TRUE(m);
  j = json::parse(m->text);
  EXPECT_EQ(j["type"], "error");
  EXPECT_NE(j["message"].get<std::string>().find("no_such_device"), std::string::npos);
  client.send(R"({"type":"subscribe","channels":["neural_data"]})");
  ASSERT_TRUE(client.read_until("subscribed"));
  ASSERT_TRUE(client.read_until("neural_data"));
  EXPECT_FALSE(client.closed());
  EXPECT_EQ(service->stats().protocol_errors_total, 2);
}

TEST_F(StreamTest, ResubscribeSwitchesCleanly) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client client(server.port(), "/ws/stream");
  client.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"openbci_cyton"})");
  ASSERT_TRUE(client.read_until("subscribed"));
  ASSERT_TRUE(client.read_until("neural_data"));
  client.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"emotiv_epoc"})");
  ASSERT_TRUE(client.read_until("subscribed"));
  std::optional<std::uint64_t> last;
  for (int i = 0; i < 5; ++i) {
    const auto m = client.read_until("neural_data");
    ASSERT_TRUE(m);
    const auto j = json::parse(m->text);
    EXPECT_EQ(j["device"], "emotiv_epoc");
    EXPECT_EQ(j["channels"], 14);
    if (last) {
      EXPECT_EQ(j["seq"].get<std::uint64_t>(), *last + 1);
    }
    last = j["seq"].get<std::uint64_t>();
  }
  client.send(R"({"type":"unsubscribe"})");
  ASSERT_TRUE(client.read_until("unsubscribed"));
  client.pump(milliseconds(300));
  EXPECT_FALSE(client.read(milliseconds(300))) << "pushes after unsubscribe";
}

TEST_F(StreamTest, OversizeClosesWith1009) {
  WebSocketOptions options;
  options.max_message_bytes = 1024;
  auto service = make_service(options);
  LoopbackServer server(*service);
  Client client(server.port(), "/ws/stream");
  client.send(R"({"type":"subscribe","pad":")" + std::string(2000, 'x') + R"("})");
  EXPECT_EQ(client.wait_closed(), 1009) << client.close_error();
}

TEST_F(StreamTest, SlowSubscriberIsBounded) {
  WebSocketOptions options;
  options.max_queued_messages = 8;
  auto service = make_service(options);
  LoopbackServer server(*service, 1, 4096);
  Client stuck(server.port(), "/ws/stream", /*reading=*/false, 4096);
  stuck.send(R"({"type":"subscribe","profile":"ant_neuro"})");
  Client healthy(server.port(), "/ws/stream");
  healthy.send(R"({"type":"subscribe","channels":["neural_data"],"profile":"ant_neuro"})");
  ASSERT_TRUE(healthy.read_until("subscribed"));
  std::optional<std::uint64_t> last;
  std::int64_t deepest = 0;
  for (int packets = 0; packets < 40;) {
    const auto m = healthy.read(milliseconds(2000));
    ASSERT_TRUE(m);
    const auto j = json::parse(m->text);
    if (j["type"] != "neural_data") continue;
    const auto seq = j["seq"].get<std::uint64_t>();
    if (last) {
      ASSERT_EQ(seq, *last + 1) << "the healthy subscriber saw a gap";
    }
    last = seq;
    ++packets;
    const auto stats = service->stats();
    deepest = std::max(deepest, stats.max_queue_depth);
    ASSERT_LE(stats.max_queue_depth, 8);
  }
  const auto stats = service->stats();
  EXPECT_GT(stats.messages_dropped_total, 0) << "the stuck subscriber's queue never overflowed";
  EXPECT_EQ(deepest, 8);
  EXPECT_LE(stats.queued_messages, 8 + 1);
  EXPECT_FALSE(healthy.closed());
}

TEST_F(StreamTest, ShutdownClosesAllWith1001) {
  auto service = make_service();
  LoopbackServer server(*service);
  Client streamer(server.port(), "/ws/stream");
  streamer.send(R"({"type":"subscribe"})");
  ASSERT_TRUE(streamer.read_until("neural_data"));
  Client device(server.port(), "/ws/devices");
  device.send(
      R"({"type":"register","device_id":"sd1","device_type":"t","channels":2,"sample_rate":250})");
  ASSERT_TRUE(device.read_until("registered"));
  std::thread closer([&] { service->shutdown(milliseconds(3000)); });
  const int stream_code = streamer.wait_closed();
  const int device_code = device.wait_closed();
  closer.join();
  EXPECT_EQ(stream_code, 1001);
  EXPECT_EQ(device_code, 1001);
  EXPECT_EQ(service->stats().stream_sessions, 0);
  EXPECT_EQ(service->stats().device_sessions, 0);
  EXPECT_EQ(sessions_.closed_now().size(), 1u);  // the device's session was closed
  Client late(server.port(), "/ws/stream");
  EXPECT_EQ(late.wait_closed(), 1001);
}

}  // namespace
}  // namespace neuro::server::ws::testing
