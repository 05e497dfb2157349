// Typed values against a real Redis: each type round-trips exactly (checked through plain
// GET/SET, i.e. the bytes the server really holds), expiry really expires, a stored value of
// the wrong size or kind is an error, a missing key is empty, and pipelines answer in order.
#include "engine/cache/commands.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

#include "engine/base/errors.hpp"
#include "engine/cache/test_support.hpp"
#include "engine/cache/value_codec.hpp"
#include "engine/common/synthetic_eeg.hpp"

namespace neuro::cache {
namespace {

using base::Error;
using base::ExitCode;
using base::InvalidArgument;
using common::SignalBlock;
using testing::RedisTest;

// The value the server holds, read with a plain GET (no typed decoding).
std::optional<std::string> raw_get(Connection& redis, const std::string& key) {
  const Reply reply = redis.command({"GET", key});
  if (reply.is_nil()) return std::nullopt;
  return std::string(reply.text());
}

SignalBlock eeg_with_specials() {
  SignalBlock block = common::make_synthetic_eeg(8, 1000.0, 1.0, 11);  // 8 channels x 1,000 samples
  block.at(0, 0) = std::numeric_limits<float>::quiet_NaN();
  block.at(1, 1) = std::bit_cast<float>(std::uint32_t{0xffc0beef});  // NaN with sign and payload
  block.at(2, 2) = std::numeric_limits<float>::max();
  block.at(3, 3) = std::numeric_limits<float>::lowest();
  block.at(4, 4) = std::numeric_limits<float>::denorm_min();
  block.at(5, 5) = -std::numeric_limits<float>::infinity();
  block.at(6, 6) = -0.0f;
  return block;
}

TEST_F(RedisTest, StringsRoundTripByteForByte) {
  const std::string k = key("s");
  std::string value = "EEG \xce\xbcV";
  value += std::string(1, '\0') + "after a NUL" + std::string(100'000, 'x');
  set_string(redis(), k, value);
  EXPECT_EQ(raw_get(redis(), k), value);
  EXPECT_EQ(redis().command({"STRLEN", k}).integer(), static_cast<std::int64_t>(value.size()));
  redis().command({"SET", k, "set by plain SET"});
  EXPECT_EQ(get_string(redis(), k), "set by plain SET");
  set_string(redis(), k, "");
  EXPECT_EQ(get_string(redis(), k), "");  // empty is a value, not a missing key
}

TEST_F(RedisTest, JsonRoundTripsAsCompactText) {
  const std::string k = key("j");
  const nlohmann::json value = {{"session", 7},
                                {"ok", true},
                                {"none", nullptr},
                                {"gain", -1.7976931348623157e308},
                                {"tiny", 4.9406564584124654e-324},
                                {"big", std::numeric_limits<std::uint64_t>::max()},
                                {"labels", {"alpha", "\xce\xb2"}}};
  set_json(redis(), k, value);
  EXPECT_EQ(get_json(redis(), k), value);
  // Stored form, written out by hand (keys sorted, compact).
  EXPECT_EQ(raw_get(redis(), k),
            "{\"big\":18446744073709551615,\"gain\":-1.7976931348623157e+308,"
            "\"labels\":[\"alpha\",\"\xce\xb2\"],\"none\":null,\"ok\":true,\"session\":7,"
            "\"tiny\":5e-324}");
  redis().command({"SET", k, R"([1, 2.5, "three", {"four": null}])"});
  const nlohmann::json expected = {1, 2.5, "three", {{"four", nullptr}}};
  EXPECT_EQ(get_json(redis(), k), expected);
}

TEST_F(RedisTest, ChunksRoundTripBitForBit) {
  const std::string k = key("c");
  const SignalBlock block = eeg_with_specials();
  set_chunk(redis(), k, block);
  // What the server holds: the 24-byte header then the floats, little-endian (this host is).
  const auto stored = raw_get(redis(), k);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 24u + 8u * 1000u * 4u);
  EXPECT_EQ(stored->substr(0, 4), "NPC1");
  EXPECT_EQ(std::memcmp(stored->data() + 24, block.data(), block.size_bytes()), 0);
  const auto back = get_chunk(redis(), k);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->channels(), 8u);
  ASSERT_EQ(back->samples(), 1000u);
  EXPECT_EQ(back->sample_rate_hz(), 1000.0);
  for (std::size_t i = 0; i < block.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(back->data()[i]),
              std::bit_cast<std::uint32_t>(block.data()[i]))
        << "sample " << i;
  }
}

TEST_F(RedisTest, MissingKeysAreEmpty) {
  const std::string k = key("never-set");
  EXPECT_EQ(get_string(redis(), k), std::nullopt);
  EXPECT_EQ(get_json(redis(), k), std::nullopt);
  EXPECT_FALSE(get_chunk(redis(), k).has_value());
  EXPECT_EQ(ttl_ms(redis(), k), std::nullopt);
  EXPECT_FALSE(remove(redis(), k));
  EXPECT_FALSE(expire(redis(), k, 1000));
}

TEST_F(RedisTest, WrongSizeOrKindIsAClearError) {
  const std::string k = key("bad");
  const std::string good = encode_chunk(eeg_with_specials());
  redis().command({"SET", k, std::string_view(good).substr(0, good.size() - 4)});
  try {
    get_chunk(redis(), k);
    FAIL() << "a truncated chunk decoded";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'" + k + "' has a header for 8 channels x 1000 samples"),
              std::string::npos)
        << e.what();
  }
  redis().command({"SET", k, "{\"not\": \"a chunk\", \"but\": \"long enough\"}"});
  EXPECT_THROW(get_chunk(redis(), k), InvalidArgument);
  redis().command({"SET", k, good});
  EXPECT_THROW(get_json(redis(), k), InvalidArgument);
  // A key of another Redis type: the server's WRONGTYPE, as bad input naming the key.
  redis().command({"DEL", k});
  redis().command({"RPUSH", k, "a"});
  try {
    get_string(redis(), k);
    FAIL() << "GET on a list succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("GET " + k + ": WRONGTYPE"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(redis().broken());
}

TEST_F(RedisTest, SetWithExpiryExpires) {
  const std::string k = key("ttl");
  set_string(redis(), k, "short-lived", 300);
  const std::int64_t pttl = redis().command({"PTTL", k}).integer();  // the server's own view
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 300);
  // Poll until the server no longer has it; generous bound so a loaded machine cannot fail it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (redis().command({"EXISTS", k}).integer() == 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(redis().command({"EXISTS", k}).integer(), 0);
  EXPECT_EQ(get_string(redis(), k), std::nullopt);
  EXPECT_THROW(set_string(redis(), k, "x", -1), InvalidArgument);
}

TEST_F(RedisTest, ExpireAndTtlAreMilliseconds) {
  const std::string k = key("pexpire");
  set_json(redis(), k, {{"a", 1}});
  EXPECT_EQ(ttl_ms(redis(), k), -1);  // no expiry
  EXPECT_TRUE(expire(redis(), k, 50));
  const auto left = ttl_ms(redis(), k);
  ASSERT_TRUE(left);
  EXPECT_GE(*left, 0);
  EXPECT_LE(*left, 50);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ttl_ms(redis(), k) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(redis().command({"PTTL", k}).integer(), -2);  // gone, by the server's reckoning
  EXPECT_EQ(get_json(redis(), k), std::nullopt);
}

TEST_F(RedisTest, ChunkWithExpiryCarriesTheTtl) {
  const std::string k = key("chunk-ttl");
  set_chunk(redis(), k, eeg_with_specials(), 60'000);
  const std::int64_t pttl = redis().command({"PTTL", k}).integer();
  EXPECT_GT(pttl, 50'000);
  EXPECT_LE(pttl, 60'000);
  EXPECT_TRUE(remove(redis(), k));
  EXPECT_EQ(redis().command({"EXISTS", k}).integer(), 0);
}

TEST_F(RedisTest, PipelinesAnswerInOrder) {
  // 250 keys, values unique per key; every third key is left missing.
  std::vector<KeyValue> items;
  std::vector<std::string> keys;
  for (int i = 0; i < 250; ++i) {
    keys.push_back(key(std::to_string(i)));
    if (i % 3 != 0) items.push_back({keys.back(), "value-" + std::to_string(i * 7919)});
  }
  multi_set(redis(), items, 60'000, 7);  // 7 does not divide 166: a short last window
  std::shuffle(keys.begin(), keys.end(), std::mt19937(5));
  // Reference: one plain GET per key, in the same order.
  std::vector<std::optional<std::string>> expected;
  expected.reserve(keys.size());
  for (const auto& k : keys) expected.push_back(raw_get(redis(), k));
  EXPECT_EQ(std::count(expected.begin(), expected.end(), std::nullopt), 84);
  for (std::size_t depth : {1u, 10u, 100u, 1000u}) {
    EXPECT_EQ(multi_get(redis(), keys, depth), expected) << "depth " << depth;
  }
  EXPECT_EQ(redis().command({"PTTL", items.front().key}).integer() > 0, true);
  EXPECT_THROW(multi_get(redis(), keys, 0), InvalidArgument);
  EXPECT_EQ(multi_remove(redis(), keys, 10), items.size());
  EXPECT_EQ(multi_remove(redis(), keys, 10), 0u);
  EXPECT_EQ(redis().pending(), 0u);
}

TEST_F(RedisTest, PipelineErrorStaysInStep) {
  std::vector<std::string> keys = {key("a"), key("list"), key("b")};
  set_string(redis(), keys[0], "A");
  redis().command({"RPUSH", keys[1], "x"});
  set_string(redis(), keys[2], "B");
  EXPECT_THROW(multi_get(redis(), keys, 3), Error);
  EXPECT_EQ(redis().pending(), 0u);
  // The next replies belong to the next commands.
  EXPECT_EQ(get_string(redis(), keys[2]), "B");
  EXPECT_EQ(redis().command({"PING"}).text(), "PONG");
}

}  // namespace
}  // namespace neuro::cache
