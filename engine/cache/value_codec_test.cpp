// Value encodings against bytes written out by hand from the format description (not from our
// encoder), bit-exact round trips of NaN payloads and extremes, and a clear error for every way
// a stored chunk can have the wrong size, shape or kind.
#include "engine/cache/value_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::cache {
namespace {

using base::InvalidArgument;
using common::SignalBlock;

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned v : values) out.push_back(static_cast<char>(v));
  return out;
}

// 2 channels x 2 samples at 250 Hz: [1.0, -2.0 | NaN(payload 1), +inf].
SignalBlock small_block() {
  SignalBlock block(2, 2, 250.0);
  block.at(0, 0) = 1.0f;
  block.at(0, 1) = -2.0f;
  block.at(1, 0) = std::bit_cast<float>(std::uint32_t{0x7fc00001});
  block.at(1, 1) = std::numeric_limits<float>::infinity();
  return block;
}

const std::string kSmallBlockBytes =
    bytes({'N', 'P', 'C',  '1',                          // magic
           2,   0,   0,    0,                            // channels
           2,   0,   0,    0,                            // samples
           0,   0,   0,    0,                            // reserved
           0,   0,   0,    0,    0, 0x40, 0x6f, 0x40,    // 250.0 = 0x406f400000000000
           0,   0,   0x80, 0x3f, 0, 0,    0,    0xc0,    // 1.0f, -2.0f
           1,   0,   0xc0, 0x7f, 0, 0,    0x80, 0x7f});  // NaN(1), +inf

void expect_bits_equal(const SignalBlock& a, const SignalBlock& b) {
  ASSERT_EQ(a.channels(), b.channels());
  ASSERT_EQ(a.samples(), b.samples());
  EXPECT_EQ(a.sample_rate_hz(), b.sample_rate_hz());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint32_t>(a.data()[i]), std::bit_cast<std::uint32_t>(b.data()[i]))
        << "sample " << i;
  }
}

std::string error_of(std::string_view stored) {
  try {
    decode_chunk(stored, "eeg:7");
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ChunkCodec, EncodesTheDocumentedLittleEndianLayout) {
  EXPECT_EQ(encode_chunk(small_block()), kSmallBlockBytes);
}

TEST(ChunkCodec, DecodesTheDocumentedLayoutBitForBit) {
  expect_bits_equal(decode_chunk(kSmallBlockBytes, "k"), small_block());
}

TEST(ChunkCodec, RoundTripsExtremesNanAndSignedZero) {
  SignalBlock block(3, 5, 128.0);
  const float specials[] = {std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::lowest(),
                            std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            -0.0f,
                            0.0f,
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN(),
                            std::bit_cast<float>(std::uint32_t{0xffc12345}),  // negative NaN
                            std::bit_cast<float>(std::uint32_t{0x7f800001}),  // signalling NaN
                            1.0f / 3.0f,
                            -123456.789f,
                            1e-30f};
  std::memcpy(block.data(), specials, sizeof specials);
  expect_bits_equal(decode_chunk(encode_chunk(block), "k"), block);
}

TEST(ChunkCodec, RejectsWrongSizeOrShapeNamingTheKey) {
  const std::string good = kSmallBlockBytes;
  EXPECT_NE(error_of("").find("'eeg:7' is 0 bytes, shorter than the 24-byte"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, 23)).find("shorter than"), std::string::npos);
  // One byte, one float and one channel too few or too many.
  for (const std::string& wrong :
       {good.substr(0, good.size() - 1), good.substr(0, good.size() - 4),
        good.substr(0, good.size() - 8), good + std::string(4, '\0'), good + "x"}) {
    const std::string message = error_of(wrong);
    EXPECT_NE(message.find("'eeg:7' has a header for 2 channels x 2 samples"), std::string::npos)
        << message;
  }
  std::string three_channels = good;
  three_channels[4] = 3;
  EXPECT_NE(error_of(three_channels).find("3 channels x 2 samples but carries 16"),
            std::string::npos);
  // A shape whose byte size would overflow 64 bits must be caught, not multiplied.
  std::string huge = good;
  for (int i = 4; i < 12; ++i) huge[i] = static_cast<char>(0xff);
  EXPECT_NE(error_of(huge).find("4294967295 channels x 4294967295 samples"), std::string::npos);
  std::string zero = good.substr(0, 24);
  zero[4] = 0;
  EXPECT_NE(error_of(zero).find("0 channels"), std::string::npos);
}

TEST(ChunkCodec, RejectsOtherKindsOfValue) {
  EXPECT_NE(error_of("a plain string that is long enough").find("not a float32 chunk"),
            std::string::npos);
  std::string bad_rate = kSmallBlockBytes;
  for (int i = 16; i < 24; ++i) bad_rate[i] = 0;  // 0 Hz
  EXPECT_NE(error_of(bad_rate).find("sample rate"), std::string::npos);
  bad_rate[22] = static_cast<char>(0xf8);  // NaN
  bad_rate[23] = 0x7f;
  EXPECT_NE(error_of(bad_rate).find("sample rate"), std::string::npos);
}

TEST(ChunkCodec, RefusesToEncodeAnEmptyBlock) {
  EXPECT_THROW(encode_chunk(SignalBlock()), InvalidArgument);
  EXPECT_THROW(encode_chunk(SignalBlock(0, 10, 250.0)), InvalidArgument);
}

TEST(JsonCodec, RoundTripsAndRejectsNonJson) {
  const nlohmann::json value = {{"session", 42},
                                {"channels", {"Fz", "Cz", "Pz"}},
                                {"gain", 1e-300},
                                {"name", "\xc3\xa9t\xc3\xa9"},
                                {"max", std::numeric_limits<std::int64_t>::max()}};
  const std::string text = encode_json(value, "k");
  // Written out by hand: compact, keys sorted, UTF-8 kept as is.
  EXPECT_EQ(text,
            "{\"channels\":[\"Fz\",\"Cz\",\"Pz\"],\"gain\":1e-300,"
            "\"max\":9223372036854775807,\"name\":\"\xc3\xa9t\xc3\xa9\",\"session\":42}");
  EXPECT_EQ(decode_json(text, "k"), value);
  EXPECT_THROW(decode_json("{\"a\":", "k"), InvalidArgument);
  EXPECT_THROW(decode_json("", "k"), InvalidArgument);
  EXPECT_THROW(encode_json(nlohmann::json("\xff\xfe"), "k"), InvalidArgument);
}

}  // namespace
}  // namespace neuro::cache
