// pixel_median against std::nth_element per pixel: random stacks of odd and even depth, block
// tails, the extremes, and a stack deeper than the bitwise counters allow.
#include "engine/video/pixel_median.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::video {
namespace {

std::vector<std::uint8_t> nth_element_medians(const std::vector<std::vector<std::uint8_t>>& planes,
                                              std::size_t pixels) {
  std::vector<std::uint8_t> out(pixels);
  std::vector<std::uint8_t> samples(planes.size());
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t k = 0; k < planes.size(); ++k) samples[k] = planes[k][p];
    const auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
    std::nth_element(samples.begin(), mid, samples.end());
    out[p] = *mid;
  }
  return out;
}

std::vector<std::uint8_t> medians(const std::vector<std::vector<std::uint8_t>>& planes,
                                  std::size_t pixels) {
  std::vector<const std::uint8_t*> pointers;
  pointers.reserve(planes.size());
  for (const auto& plane : planes) pointers.push_back(plane.data());
  std::vector<std::uint8_t> out(pixels, 0xAB);
  pixel_median(pointers.data(), pointers.size(), pixels, out.data());
  return out;
}

TEST(PixelMedian, EqualsNthElementOnRandomStacks) {
  std::mt19937 rng(7);
  for (const std::size_t count : {1u, 2u, 3u, 4u, 29u, 30u, 31u, 255u, 300u}) {
    for (const std::size_t pixels : {1u, 63u, 64u, 65u, 200u}) {
      // Narrow ranges as well as the full one, so ties are common.
      for (const int span : {2, 20, 256}) {
        std::uniform_int_distribution<int> value(0, span - 1);
        std::vector<std::vector<std::uint8_t>> planes(count, std::vector<std::uint8_t>(pixels));
        for (auto& plane : planes) {
          for (auto& v : plane) v = static_cast<std::uint8_t>(value(rng) * (255 / (span - 1)));
        }
        EXPECT_EQ(medians(planes, pixels), nth_element_medians(planes, pixels))
            << count << " planes, " << pixels << " pixels, span " << span;
      }
    }
  }
}

TEST(PixelMedian, Extremes) {
  const std::vector<std::vector<std::uint8_t>> zeros(5, std::vector<std::uint8_t>(70, 0));
  EXPECT_EQ(medians(zeros, 70), std::vector<std::uint8_t>(70, 0));
  const std::vector<std::vector<std::uint8_t>> full(5, std::vector<std::uint8_t>(70, 255));
  EXPECT_EQ(medians(full, 70), std::vector<std::uint8_t>(70, 255));
  // Two of 255 and three of 0: rank 2 is 0; three of 255 and two of 0: 255.
  std::vector<std::vector<std::uint8_t>> mixed = {{255}, {0}, {255}, {0}, {0}};
  EXPECT_EQ(medians(mixed, 1), std::vector<std::uint8_t>{0});
  mixed[4][0] = 255;
  EXPECT_EQ(medians(mixed, 1), std::vector<std::uint8_t>{255});
}

TEST(PixelMedian, RefusesMorePlanesThanItCounts) {
  const std::uint8_t pixel = 1;
  const std::vector<const std::uint8_t*> planes(kMaxPlanes + 1, &pixel);
  std::uint8_t out = 0;
  EXPECT_THROW(pixel_median(planes.data(), planes.size(), 1, &out), base::InvalidArgument);
  pixel_median(planes.data(), kMaxPlanes, 1, &out);
  EXPECT_EQ(out, 1);
}

}  // namespace
}  // namespace neuro::video
