#include "load/ws/frame.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace neuro::load::ws {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s.push_back(static_cast<char>(b));
  return s;
}

struct Read {
  std::vector<Message> messages;
  std::vector<std::string> payloads;  // copies: a Message's view lives only in the callback
  ReadError error = ReadError::kNone;
};

Read read_all(std::string wire, bool expect_masked = false, std::size_t max = 1 << 20,
              std::size_t piece = 0) {
  FrameReader reader(max, expect_masked);
  Read out;
  auto on = [&](const Message& m) {
    out.messages.push_back(m);
    out.payloads.emplace_back(m.payload);
  };
  if (piece == 0) piece = wire.size();
  for (std::size_t at = 0; at < wire.size() && out.error == ReadError::kNone; at += piece) {
    out.error = reader.feed(wire.data() + at, std::min(piece, wire.size() - at), on);
  }
  return out;
}

// RFC 6455 section 5.7, the examples as printed there.
const std::string kUnmaskedHello = bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
const std::string kMaskedHello =
    bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
const std::string kFragmentedHello = bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f});
const std::string kUnmaskedPing = bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
const std::string kMaskedPong =
    bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
constexpr std::uint32_t kExampleKey = 0x37fa213d;

TEST(WsFrame, WritesTheRfcExamples) {
  std::string out;
  append_frame(out, Opcode::kText, "Hello", true, std::nullopt);
  EXPECT_EQ(out, kUnmaskedHello);
  out.clear();
  append_frame(out, Opcode::kText, "Hello", true, kExampleKey);
  EXPECT_EQ(out, kMaskedHello);
  out.clear();
  append_frame(out, Opcode::kText, "Hel", false, std::nullopt);
  append_frame(out, Opcode::kContinuation, "lo", true, std::nullopt);
  EXPECT_EQ(out, kFragmentedHello);
  out.clear();
  append_frame(out, Opcode::kPing, "Hello", true, std::nullopt);
  EXPECT_EQ(out, kUnmaskedPing);
  out.clear();
  append_frame(out, Opcode::kPong, "Hello", true, kExampleKey);
  EXPECT_EQ(out, kMaskedPong);
}

TEST(WsFrame, WritesTheRfcLengthExamples) {
  std::string out;
  append_frame(out, Opcode::kBinary, std::string(256, 'x'), true, std::nullopt);
  EXPECT_EQ(out.substr(0, 4), bytes({0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(out.size(), 4u + 256u);
  out.clear();
  append_frame(out, Opcode::kBinary, std::string(65536, 'x'), true, std::nullopt);
  EXPECT_EQ(out.substr(0, 10), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
  EXPECT_EQ(out.size(), 10u + 65536u);
}

TEST(WsFrame, ReadsTheRfcExamples) {
  auto r = read_all(kUnmaskedHello);
  ASSERT_EQ(r.error, ReadError::kNone);
  ASSERT_EQ(r.payloads.size(), 1u);
  EXPECT_EQ(r.messages[0].opcode, Opcode::kText);
  EXPECT_EQ(r.payloads[0], "Hello");

  r = read_all(kMaskedHello, /*expect_masked=*/true);
  ASSERT_EQ(r.payloads.size(), 1u);
  EXPECT_EQ(r.payloads[0], "Hello");

  r = read_all(kFragmentedHello);
  ASSERT_EQ(r.payloads.size(), 1u);
  EXPECT_EQ(r.messages[0].opcode, Opcode::kText);
  EXPECT_EQ(r.payloads[0], "Hello");

  r = read_all(kUnmaskedPing);
  ASSERT_EQ(r.payloads.size(), 1u);
  EXPECT_EQ(r.messages[0].opcode, Opcode::kPing);
  EXPECT_EQ(r.payloads[0], "Hello");

  r = read_all(kMaskedPong, true);
  ASSERT_EQ(r.payloads.size(), 1u);
  EXPECT_EQ(r.messages[0].opcode, Opcode::kPong);
}

TEST(WsFrame, ServerFramesMustNotBeMasked) {
  EXPECT_EQ(read_all(kMaskedHello).error, ReadError::kMasked);
  EXPECT_EQ(read_all(kUnmaskedHello, true).error, ReadError::kMasked);
}

TEST(WsFrame, MaskingRoundTripsEverySizeAndOffset) {
  std::mt19937 random(7);
  for (std::size_t size : {0u, 1u, 3u, 7u, 8u, 15u, 16u, 17u, 125u, 126u, 1000u, 70000u}) {
    std::string payload(size, '\0');
    for (auto& c : payload) c = static_cast<char>(random());
    const std::uint32_t key = random();
    std::string wire;
    append_frame(wire, Opcode::kBinary, payload, true, key);
    // The masked bytes are the payload XOR the key, byte by byte (checked without apply_mask).
    const std::size_t header = wire.size() - size;
    for (std::size_t i = 0; i < size; ++i) {
      const auto k = static_cast<unsigned char>(key >> (24 - 8 * (i % 4)));
      ASSERT_EQ(static_cast<unsigned char>(wire[header + i]),
                static_cast<unsigned char>(payload[i]) ^ k)
          << size << " " << i;
    }
    const auto r = read_all(wire, true, 1 << 20, 5);
    ASSERT_EQ(r.error, ReadError::kNone) << size;
    ASSERT_EQ(r.payloads.size(), 1u);
    EXPECT_EQ(r.payloads[0], payload) << size;
  }
  // apply_mask at an offset continues the key where it left off.
  std::string a(40, 'a'), b = a;
  apply_mask(a.data(), a.size(), 0x01020304);
  apply_mask(b.data(), 13, 0x01020304);
  apply_mask(b.data() + 13, 27, 0x01020304, 13);
  EXPECT_EQ(a, b);
}

TEST(WsFrame, FragmentsAndControlFramesByteByByte) {
  std::string wire;
  append_frame(wire, Opcode::kBinary, "ab", false, std::nullopt);
  append_frame(wire, Opcode::kPing, "p", true, std::nullopt);
  append_frame(wire, Opcode::kContinuation, "cd", false, std::nullopt);
  append_frame(wire, Opcode::kContinuation, std::string(300, 'e'), true, std::nullopt);
  append_frame(wire, Opcode::kText, "next", true, std::nullopt);
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, wire.size()}) {
    const auto r = read_all(wire, false, 1 << 20, piece);
    ASSERT_EQ(r.error, ReadError::kNone) << piece;
    ASSERT_EQ(r.payloads.size(), 3u) << piece;
    EXPECT_EQ(r.messages[0].opcode, Opcode::kPing);
    EXPECT_EQ(r.messages[1].opcode, Opcode::kBinary);
    EXPECT_EQ(r.payloads[1], "abcd" + std::string(300, 'e'));
    EXPECT_EQ(r.payloads[2], "next");
  }
}

TEST(WsFrame, BadFragmentationIsAProtocolError) {
  std::string wire;
  append_frame(wire, Opcode::kContinuation, "x", true, std::nullopt);
  EXPECT_EQ(read_all(wire).error, ReadError::kProtocol);
  wire.clear();
  append_frame(wire, Opcode::kText, "x", false, std::nullopt);
  append_frame(wire, Opcode::kText, "y", true, std::nullopt);
  EXPECT_EQ(read_all(wire).error, ReadError::kProtocol);
  // A fragmented control frame, a control frame over 125 bytes, reserved bits, opcode 3.
  EXPECT_EQ(read_all(bytes({0x09, 0x00})).error, ReadError::kProtocol);
  wire.clear();
  append_frame(wire, Opcode::kPing, std::string(126, 'p'), true, std::nullopt);
  EXPECT_EQ(read_all(wire).error, ReadError::kProtocol);
  EXPECT_EQ(read_all(bytes({0xC1, 0x00})).error, ReadError::kProtocol);
  EXPECT_EQ(read_all(bytes({0x83, 0x00})).error, ReadError::kProtocol);
}

TEST(WsFrame, OversizeIsRefusedAtHeaderAndFragments) {
  std::string wire;
  append_frame(wire, Opcode::kBinary, std::string(1001, 'x'), true, std::nullopt);
  // Only the header is fed: the limit applies before the payload arrives.
  EXPECT_EQ(read_all(wire.substr(0, 4), false, 1000).error, ReadError::kTooBig);
  EXPECT_EQ(read_all(wire, false, 1001).error, ReadError::kNone);
  wire.clear();
  append_frame(wire, Opcode::kBinary, std::string(600, 'x'), false, std::nullopt);
  append_frame(wire, Opcode::kContinuation, std::string(600, 'x'), true, std::nullopt);
  EXPECT_EQ(read_all(wire, false, 1000).error, ReadError::kTooBig);
  // A 64-bit length with the top bit set.
  EXPECT_EQ(read_all(bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1})).error, ReadError::kProtocol);
}

TEST(WsFrame, CloseCodes) {
  std::string wire;
  append_close(wire, kCloseGoingAway, "bye", std::nullopt);
  EXPECT_EQ(wire, bytes({0x88, 0x05, 0x03, 0xE9, 'b', 'y', 'e'}));
  auto r = read_all(wire);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].opcode, Opcode::kClose);
  EXPECT_EQ(r.messages[0].close_code, 1001);
  EXPECT_EQ(r.payloads[0], "bye");
  r = read_all(bytes({0x88, 0x00}));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].close_code, kCloseNoStatus);
  // One byte of code, and codes a peer may not send (1005, 1006, 999, 2000).
  EXPECT_EQ(read_all(bytes({0x88, 0x01, 0x03})).error, ReadError::kProtocol);
  for (int code : {1005, 1006, 999, 2000, 5000}) {
    wire.clear();
    append_close(wire, static_cast<std::uint16_t>(code), "", std::nullopt);
    EXPECT_EQ(read_all(wire).error, ReadError::kProtocol) << code;
  }
  for (int code : {1000, 1002, 1009, 1011, 3000, 4999}) {
    EXPECT_TRUE(valid_close_code(static_cast<std::uint16_t>(code))) << code;
  }
}

TEST(WsFrame, IdleReaderHoldsNoBuffers) {
  FrameReader reader(1 << 24);
  std::string wire;
  append_frame(wire, Opcode::kBinary, std::string(100000, 'x'), true, std::nullopt);
  std::size_t seen = 0;
  for (std::size_t at = 0; at < wire.size(); at += 4096) {
    const auto n = std::min<std::size_t>(4096, wire.size() - at);
    reader.feed(wire.data() + at, n, [&](const Message& m) { seen = m.payload.size(); });
  }
  EXPECT_EQ(seen, 100000u);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

}  // namespace
}  // namespace neuro::load::ws
