// A bitwise search per pixel, vectorised across pixels: the median m is the largest value with at
// most count / 2 samples below it, so it is built from the top bit down, keeping a bit when the
// samples below the candidate stay within the rank. Eight passes of compares over a block's
// samples (in L1) instead of an nth_element per pixel: the compiler turns the inner loops over
// the block into SIMD compares and adds, where a selection per pixel branches on every byte.
#include "engine/video/pixel_median.hpp"

#include <algorithm>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::video {

namespace {

// Counter: a type that holds `count` (8-bit counters give twice the SIMD lanes of 16-bit ones).
template <typename Counter>
void median_blocks(const std::uint8_t* const* planes, std::size_t count, std::size_t pixels,
                   std::uint8_t* out) {
  constexpr std::size_t kBlock = 64;
  const std::size_t rank = count / 2;
  for (std::size_t from = 0; from < pixels; from += kBlock) {
    const std::size_t n = std::min(kBlock, pixels - from);
    std::uint8_t median[kBlock] = {};
    for (int bit = 7; bit >= 0; --bit) {
      const auto add = static_cast<std::uint8_t>(1u << bit);
      Counter below[kBlock] = {};
      for (std::size_t k = 0; k < count; ++k) {
        const std::uint8_t* plane = planes[k] + from;
        for (std::size_t j = 0; j < n; ++j) {
          below[j] = static_cast<Counter>(below[j] + (plane[j] < (median[j] | add)));
        }
      }
      for (std::size_t j = 0; j < n; ++j) {
        if (below[j] <= rank) median[j] = static_cast<std::uint8_t>(median[j] | add);
      }
    }
    std::copy(median, median + n, out + from);
  }
}

}  // namespace

void pixel_median(const std::uint8_t* const* planes, std::size_t count, std::size_t pixels,
                  std::uint8_t* out) {
  if (count == 0) return;
  if (count > kMaxPlanes) {
    throw base::InvalidArgument("pixel_median: " + std::to_string(count) + " planes, at most " +
                                std::to_string(kMaxPlanes));
  }
  if (count <= 255) {
    median_blocks<std::uint8_t>(planes, count, pixels, out);
  } else {
    median_blocks<std::uint16_t>(planes, count, pixels, out);
  }
}

}  // namespace neuro::video
