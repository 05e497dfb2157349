#include "engine/markup/json_numbers.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

namespace neuro::markup {
namespace {

std::string text_of(float v) {
  std::string out;
  append_json_number(out, v);
  return out;
}

std::string text_of(double v) {
  std::string out;
  append_json_number(out, v);
  return out;
}

TEST(JsonNumbers, ShortestFormsOfKnownValues) {
  EXPECT_EQ(text_of(0.1f), "0.1");  // not 0.10000000149011612, the float's value as a double
  EXPECT_EQ(text_of(-0.0f), "-0");
  EXPECT_EQ(text_of(1000.0f), "1000");
  EXPECT_EQ(text_of(std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(text_of(std::numeric_limits<float>::denorm_min()), "1e-45");
  EXPECT_EQ(text_of(0.1), "0.1");
  EXPECT_EQ(text_of(1764720000.123456), "1764720000.123456");
}

TEST(JsonNumbers, NonFiniteValuesAreNull) {
  EXPECT_EQ(text_of(std::numeric_limits<float>::quiet_NaN()), "null");
  EXPECT_EQ(text_of(std::numeric_limits<float>::infinity()), "null");
  EXPECT_EQ(text_of(-std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(text_of(std::numeric_limits<double>::quiet_NaN()), "null");
}

// Read back with the C library's strtof (an independent parser), every float comes back with
// the same bits.
TEST(JsonNumbers, EveryFloatReadsBackBitExact) {
  std::mt19937 random(7);
  for (int i = 0; i < 200'000; ++i) {
    const float v = std::bit_cast<float>(static_cast<std::uint32_t>(random()));
    if (!std::isfinite(v)) continue;
    const std::string text = text_of(v);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(std::strtof(text.c_str(), nullptr)),
              std::bit_cast<std::uint32_t>(v))
        << text;
  }
}

TEST(JsonNumbers, ArraysMatchTheValuesOneByOne) {
  std::string out = "x";
  append_json_array(out, {});
  EXPECT_EQ(out, "x[]");
  const float worst[] = {-1.17549435e-38f, std::numeric_limits<float>::quiet_NaN(), 0.1f, -0.0f};
  out.clear();
  append_json_array(out, worst);
  EXPECT_EQ(out, "[-1.1754944e-38,null,0.1,-0]");
  // Long arrays of the longest forms, element by element the same as append_json_number.
  std::mt19937 random(3);
  std::vector<float> values(10'000);
  for (auto& v : values)
    v = std::bit_cast<float>(static_cast<std::uint32_t>(random()) | 0x80000000u);
  out.clear();
  append_json_array(out, values);
  std::string expected = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) expected += ',';
    append_json_number(expected, values[i]);
  }
  expected += ']';
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace neuro::markup
