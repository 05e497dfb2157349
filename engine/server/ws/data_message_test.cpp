// parse_data_message against the full parser (parse_client_message + parse_data): a packet it
// reads is the packet the full parser reads, bit for bit; whatever the full parser refuses, or
// reads in a way the fast reader does not (a key twice, an object as packet_id), it leaves.
#include "engine/server/ws/data_message.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace neuro::server::ws {
namespace {

std::optional<DataPacket> full(const std::string& text, std::size_t channels) {
  try {
    const auto message = parse_client_message(text);
    if (message.type != "data") return std::nullopt;
    return parse_data(message.body, channels, 250.0);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void expect_same(const DataPacket& a, const DataPacket& b, const std::string& text) {
  EXPECT_EQ(a.device_id, b.device_id) << text;
  EXPECT_EQ(a.timestamp_s, b.timestamp_s) << text;
  EXPECT_EQ(a.packet_id.dump(), b.packet_id.dump()) << text;
  ASSERT_EQ(a.block.channels(), b.block.channels()) << text;
  ASSERT_EQ(a.block.samples(), b.block.samples()) << text;
  for (std::size_t c = 0; c < a.block.channels(); ++c) {
    EXPECT_EQ(0, std::memcmp(a.block.channel(c).data(), b.block.channel(c).data(),
                             a.block.samples() * sizeof(float)))
        << text << " channel " << c;
  }
}

TEST(DataMessage, ReadsWhatTheFullParserReads) {
  const std::vector<std::string> valid = {
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message, wrapped
      R"({"type":"data","device_id":"d1","timestamp":1733500000.123456,"packet_id":7,)"
      R"("data":[[1.5,-2,3e-3],[0,1e30,-0.0]]})",
      R"({"data":[[1,2],[3,4]],"type":"data","device_id":"x","packet_id":"p-9"})",
      R"({"type":"data","device_id":"d","timestamp":null,"packet_id":2.5,"data":[[0.1],[0.2]]})",
      R"({"type":"data","device_id":"d","packet_id":18446744073709551615,"data":[[1],[2]]})",
      R"( { "type" : "data" , "device_id" : "caf\u00e9" , "data" : [ [ 1 ] , [ 2 ] ] } )",
      R"({"type":"data","device_id":"d","extra":{"a":[1]},"data":[[3.4028234e38],[-1]]})",
  };
  for (const auto& text : valid) {
    const auto fast = parse_data_message(text, 2, 250.0);
    const auto slow = full(text, 2);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(slow.has_value()) << text;
    expect_same(*fast, *slow, text);
  }
}

TEST(DataMessage, LeavesTheRestToFullParser) {
  const std::vector<std::string> left = {
      R"({"type":"register","device_id":"d","data":[[1],[2]]})",            // another type
      R"({"type":"data","device_id":"d","data":[[1],[2]],"type":"data"})",  // a key twice
      R"({"type":"data","device_id":"d","device_id":"e","data":[[1],[2]]})",
      R"({"type":"data","device_id":"d","packet_id":{"n":1},"data":[[1],[2]]})",  // echoed as is
      R"({"type":"data","device_id":"d","packet_id":true,"data":[[1],[2]]})",
      R"({"type":"data","device_id":"d","data":[[1],[2],[3]]})",  // 3 channels of 2
      R"({"type":"data","device_id":"d","data":[[1,2],[3]]})",    // ragged
      R"({"type":"data","device_id":"d","data":[[],[]]})",        // empty
      R"({"type":"data","device_id":"d","data":[[1],["2"]]})",    // not a number
      R"({"type":"data","device_id":"d","data":[[1],[1e39]]})",   // past float32
      R"({"type":"data","device_id":"d","timestamp":"now","data":[[1],[2]]})",
      R"({"type":"data","device_id":7,"data":[[1],[2]]})",
      R"({"type":"data","data":[[1],[2]]})",  // no device_id
      R"({"type":"data","device_id":"d"})",   // no data
      R"({"type":"data","device_id":"d","data":[[1],[2]]} trailing)",
      R"({"type":"data","device_id":"d","data":[[1],[2]])",  // truncated
      R"([1,2])",
      "",
  };
  for (const auto& text : left) {
    EXPECT_FALSE(parse_data_message(text, 2, 250.0).has_value()) << text;
  }
  // The full parser reads some of these (the last of a key given twice, an object packet_id):
  // the session takes its answer for them, so leaving them is what keeps both paths alike.
  EXPECT_TRUE(full(left[1], 2).has_value());
  EXPECT_TRUE(full(left[3], 2).has_value());
  // And refuses the rest with its own messages.
  for (std::size_t i = 5; i < left.size(); ++i) EXPECT_FALSE(full(left[i], 2).has_value()) << i;
}

TEST(DataMessage, BoundsTheValues) {
  std::string row = "[";
  for (std::size_t s = 0; s < kMaxPacketValues / 2 + 1; ++s) row += s ? ",1" : "1";
  row += "]";
  const std::string text = R"({"type":"data","device_id":"d","data":[)" + row + "," + row + "]}";
  EXPECT_FALSE(parse_data_message(text, 2, 250.0).has_value());
  EXPECT_FALSE(full(text, 2).has_value());
}

}  // namespace
}  // namespace neuro::server::ws
