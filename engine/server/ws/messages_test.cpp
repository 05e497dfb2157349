#include "engine/server/ws/messages.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/ws/packet_split.hpp"
#include "engine/server/ws/send_queue.hpp"

namespace neuro::server::ws {
namespace {

using nlohmann::json;

TEST(Messages, NeuralDataJsonHasEverySampleExactly) {
  const auto block = common::make_synthetic_eeg(8, 250.0, 0.1, 3);
  const auto parsed = json::parse(neural_data_json("openbci_cyton", 41, 1796000000.123456, block));
  EXPECT_EQ(parsed["type"], "neural_data");
  EXPECT_EQ(parsed["seq"], 41);
  EXPECT_EQ(parsed["channels"], 8);
  EXPECT_EQ(parsed["samples"], 25);
  EXPECT_EQ(parsed["sample_rate"], 250.0);
  EXPECT_EQ(parsed["device"], "openbci_cyton");
  EXPECT_NEAR(parsed["timestamp"].get<double>(), 1796000000.123456, 1e-6);
  ASSERT_EQ(parsed["data"].size(), 8u);
  for (std::size_t c = 0; c < 8; ++c) {
    ASSERT_EQ(parsed["data"][c].size(), 25u);
    for (std::size_t s = 0; s < 25; ++s) {
      EXPECT_EQ(static_cast<float>(parsed["data"][c][s].get<double>()), block.at(c, s));
    }
  }
}

TEST(Messages, LargestPacketStaysUnderOneMebibyte) {
  // Worst case per value: "-1.1754944e-38" (14 bytes) plus a comma.
  common::SignalBlock block(32, kMaxPacketValues / 32, 1000.0);
  for (std::size_t i = 0; i < block.size(); ++i) block.data()[i] = -1.17549435e-38f;
  EXPECT_LT(neural_data_json("x", 0, 0.0, block).size(), 600u * 1024u);
}

TEST(Messages, BinaryFrameHeaderAndPayload) {
  const auto block = common::make_synthetic_eeg(4, 128.0, 0.1, 1);
  const auto frame = neural_data_binary(7, 12.5, block);
  ASSERT_EQ(frame.size(), kBinaryHeaderBytes + block.size_bytes());
  EXPECT_EQ(frame.substr(0, 4), "NPD1");
  std::uint32_t channels = 0, samples = 0;
  std::uint64_t seq = 0;
  double timestamp = 0, rate = 0;
  std::memcpy(&channels, frame.data() + 4, 4);
  std::memcpy(&samples, frame.data() + 8, 4);
  std::memcpy(&seq, frame.data() + 16, 8);
  std::memcpy(&timestamp, frame.data() + 24, 8);
  std::memcpy(&rate, frame.data() + 32, 8);
  EXPECT_EQ(channels, 4u);
  EXPECT_EQ(samples, block.samples());
  EXPECT_EQ(seq, 7u);
  EXPECT_EQ(timestamp, 12.5);
  EXPECT_EQ(rate, 128.0);
  EXPECT_EQ(std::memcmp(frame.data() + kBinaryHeaderBytes, block.data(), block.size_bytes()), 0);
}

TEST(Messages, AckEchoesPacketIdAndErrorsAreJson) {
  const auto ack = json::parse(ack_json(json(17), 1796000000.5));
  EXPECT_EQ(ack["type"], "ack");
  EXPECT_EQ(ack["packet_id"], 17);
  EXPECT_DOUBLE_EQ(ack["server_time"].get<double>(), 1796000000.5);
  EXPECT_EQ(json::parse(ack_json(json("p-1"), 0))["packet_id"], "p-1");
  const auto error = json::parse(error_json("bad \"thing\"\n"));
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["message"], "bad \"thing\"\n");
}

TEST(Messages, ClientMessageNeedsAnObjectAndType) {
  EXPECT_THROW(parse_client_message("{nope"), base::InvalidArgument);
  EXPECT_THROW(parse_client_message("[1,2]"), base::InvalidArgument);
  EXPECT_THROW(parse_client_message(R"({"type":3})"), base::InvalidArgument);
  // Out of double's range: nlohmann throws out_of_range, not parse_error (found by fuzzing).
  EXPECT_THROW(parse_client_message(R"({"type":"data","timestamp":6e07392056})"),
               base::InvalidArgument);
  EXPECT_EQ(parse_client_message(R"({"type":"subscribe"})").type, "subscribe");
}

TEST(Messages, SubscribeOptions) {
  auto request = parse_subscribe(json::parse(R"({"channels":["signal_quality"],"format":"binary",
                                                 "profile":"ant_neuro"})"));
  EXPECT_FALSE(request.neural_data);
  EXPECT_TRUE(request.signal_quality);
  EXPECT_TRUE(request.binary);
  EXPECT_EQ(request.profile, "ant_neuro");
  EXPECT_THROW(parse_subscribe(json::parse(R"({"channels":["video"]})")), base::InvalidArgument);
  EXPECT_THROW(parse_subscribe(json::parse(R"({"format":"xml"})")), base::InvalidArgument);
  EXPECT_THROW(parse_subscribe(json::parse(R"({"device_id":"a","profile":"b"})")),
               base::InvalidArgument);
  EXPECT_EQ(request.samples_per_packet, 0u);  // whole packets unless asked
  EXPECT_EQ(parse_subscribe(json::parse(R"({"samples_per_packet":1})")).samples_per_packet, 1u);
  for (const char* bad : {R"({"samples_per_packet":0})", R"({"samples_per_packet":-3})",
                          R"({"samples_per_packet":2.5})", R"({"samples_per_packet":"4"})",
                          R"({"samples_per_packet":32769})"}) {
    try {
      (void)parse_subscribe(json::parse(bad));
      ADD_FAILURE() << bad << " was accepted";
    } catch (const base::InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "field 'samples_per_packet' must be an integer from 1 to 32768")
          << bad;
    }
  }
}

TEST(Messages, SplitPacketCutsAtMostTheSizeAsked) {
  common::SignalBlock block(2, 5, 250.0);
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t s = 0; s < 5; ++s) block.at(c, s) = static_cast<float>(10 * c + s);
  }
  std::uint64_t seq = 40;
  const auto frames = split_packet("dev", 2, seq, 1.5, block, /*json=*/true, /*binary=*/true);
  EXPECT_EQ(seq, 43u);
  ASSERT_EQ(frames.json.size(), 3u);
  ASSERT_EQ(frames.binary.size(), 3u);
  EXPECT_EQ(*frames.json[0],
            R"({"type":"neural_data","timestamp":1.500000,"seq":40,"device":"dev","channels":2,)"
            R"("sample_rate":250,"samples":2,"data":[[0,1],[10,11]]})");
  EXPECT_EQ(*frames.json[2],
            R"({"type":"neural_data","timestamp":1.500000,"seq":42,"device":"dev","channels":2,)"
            R"("sample_rate":250,"samples":1,"data":[[4],[14]]})");
  float last_value = 0;
  std::memcpy(&last_value, frames.binary[1]->data() + kBinaryHeaderBytes + std::size_t{3} * 4, 4);
  EXPECT_EQ(last_value, 13.0f);  // frame 1, channel 1, its second sample
  const auto json_only = split_packet("dev", 5, seq, 1.5, block, true, false);
  EXPECT_EQ(json_only.json.size(), 1u);
  EXPECT_TRUE(json_only.binary.empty());
}

TEST(Messages, RegisterAndDataValidation) {
  const auto reg = parse_register(json::parse(
      R"({"device_id":"d1","device_type":"OpenBCI_Cyton","channels":8,"sample_rate":250})"));
  EXPECT_EQ(reg.channels, 8);
  EXPECT_EQ(reg.sample_rate_hz, 250.0);
  EXPECT_THROW(parse_register(json::parse(R"({"device_id":"d","channels":0,"sample_rate":250})")),
               base::InvalidArgument);
  EXPECT_THROW(parse_register(json::parse(R"({"device_id":"d","channels":8,"sample_rate":-1})")),
               base::InvalidArgument);

  const auto packet = parse_data(
      json::parse(R"({"device_id":"d1","timestamp":12.5,"packet_id":3,"data":[[1,2],[3,4.5]]})"), 2,
      250.0);
  EXPECT_EQ(packet.block.channels(), 2u);
  EXPECT_EQ(packet.block.samples(), 2u);
  EXPECT_EQ(packet.block.at(1, 1), 4.5f);
  EXPECT_EQ(packet.packet_id, 3);
  EXPECT_EQ(packet.timestamp_s, 12.5);
  try {
    parse_data(json::parse(R"({"device_id":"d1","data":[[1,2]]})"), 2, 250.0);
    FAIL() << "channel count mismatch accepted";
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("registered 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_data(json::parse(R"({"device_id":"d1","data":[[1,2],[3]]})"), 2, 250.0),
               base::InvalidArgument);
  EXPECT_THROW(parse_data(json::parse(R"({"device_id":"d1","data":[[1,"x"],[3,4]]})"), 2, 250.0),
               base::InvalidArgument);
  EXPECT_THROW(parse_data(json::parse(R"({"device_id":"d1","data":[[1e300,2],[3,4]]})"), 2, 250.0),
               base::InvalidArgument);
}

TEST(SendQueue, FullQueueDropsTheOldest) {
  SendQueue queue(3);
  auto message = [](int i) {
    return OutMessage{std::make_shared<const std::string>(std::to_string(i)), false, nullptr};
  };
  EXPECT_EQ(queue.push(message(1)), 0u);
  EXPECT_EQ(queue.push(message(2)), 0u);
  EXPECT_EQ(queue.push(message(3)), 0u);
  EXPECT_EQ(queue.push(message(4)), 1u);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(*queue.pop().bytes, "2");
  EXPECT_EQ(*queue.pop().bytes, "3");
  EXPECT_EQ(*queue.pop().bytes, "4");
  EXPECT_TRUE(queue.empty());
}

// A burst (a packet cut into messages) is one entry, kept whole even when it alone is over the
// bound (a fast reader gets every message of a finely cut packet); the bound also counts
// messages, so a reader that stops loses whole packets, oldest first, and holds no more than
// the bound (or the one newest packet).
TEST(SendQueue, BurstIsOneEntry) {
  auto text = [](const char* t) { return std::make_shared<const std::string>(t); };
  auto burst = std::make_shared<const Frames>(Frames{text("a"), text("b"), text("c")});
  SendQueue queue(4);
  EXPECT_EQ(queue.push(OutMessage{nullptr, false, burst}), 0u);
  EXPECT_EQ(queue.push(OutMessage{text("x"), false, nullptr}), 0u);
  EXPECT_EQ(queue.messages(), 4u);
  EXPECT_EQ(queue.push(OutMessage{text("y"), false, nullptr}), 3u);  // the burst, whole
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.messages(), 2u);
  const auto first = queue.pop();
  EXPECT_EQ(first.messages(), 1u);
  EXPECT_EQ(first.part(0), "x");
  EXPECT_EQ(queue.messages(), 1u);
  SendQueue small(2);
  EXPECT_EQ(small.push(OutMessage{nullptr, true, burst}), 0u);
  EXPECT_EQ(small.messages(), 3u);
  const auto cut = small.pop();
  EXPECT_EQ(cut.messages(), 3u);
  EXPECT_EQ(cut.part(2), "c");
  EXPECT_TRUE(small.empty());
  EXPECT_EQ(small.messages(), 0u);
}

TEST(Messages, QualityLabels) {
  EXPECT_STREQ(quality_label(0.0), "flat");
  EXPECT_STREQ(quality_label(20.0), "good");
  EXPECT_STREQ(quality_label(200.0), "noisy");
  EXPECT_STREQ(quality_label(1000.0), "bad");
  const std::vector<double> rms{20.0, 0.1};
  const auto parsed = json::parse(signal_quality_json("d", 2, 1.0, rms));
  EXPECT_EQ(parsed["quality"], json::parse(R"(["good","flat"])"));
  EXPECT_EQ(parsed["channels"], 2);
}

}  // namespace
}  // namespace neuro::server::ws
