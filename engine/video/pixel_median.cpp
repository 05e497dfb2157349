// A bitwise search per pixel, vectorised across pixels: the median m is the largest value with at
// most count / 2 samples below it, so it is built from the top bit down, keeping a bit when the
// samples below the candidate stay within the rank. Eight passes of compares over a block's
// samples (in L1) instead of an nth_element per pixel: SIMD compares and adds across 32 pixels at
// a time, where a selection per pixel branches on every byte.
#include "engine/video/pixel_median.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::video {

namespace {

constexpr std::size_t kBlock = 64;

// 32 bytes as one value (GCC's vector extension: SIMD without per-target intrinsics).
using Bytes32 = std::uint8_t __attribute__((vector_size(32)));
constexpr std::size_t kLanes = 32;
static_assert(kBlock % kLanes == 0);

// The medians of kBlock pixels from `from` on, for counts below 256 (8-bit counters). Written
// with vectors because GCC 12 turned the plain loops into a scalar loop unrolled over the
// samples (10x slower).
void median_block_bytes(const std::uint8_t* const* planes, std::size_t count, std::size_t from,
                        std::uint8_t* out) {
  constexpr std::size_t kVectors = kBlock / kLanes;
  const auto rank = static_cast<std::uint8_t>(count / 2);
  Bytes32 median[kVectors] = {};
  for (int bit = 7; bit >= 0; --bit) {
    const auto add = static_cast<std::uint8_t>(1u << bit);
    Bytes32 candidate[kVectors];
    Bytes32 below[kVectors] = {};
    for (std::size_t v = 0; v < kVectors; ++v) candidate[v] = median[v] | add;
    for (std::size_t k = 0; k < count; ++k) {
      for (std::size_t v = 0; v < kVectors; ++v) {
        Bytes32 sample;
        std::memcpy(&sample, planes[k] + from + v * kLanes, sizeof sample);
        // A true comparison is all ones (-1): subtracting it counts one.
        below[v] -= reinterpret_cast<Bytes32>(sample < candidate[v]);
      }
    }
    for (std::size_t v = 0; v < kVectors; ++v) {
      const Bytes32 keep = reinterpret_cast<Bytes32>(below[v] <= rank);
      median[v] = (candidate[v] & keep) | (median[v] & ~keep);
    }
  }
  std::memcpy(out, median, kBlock);
}

// The same past 255 samples (16-bit counters), in plain loops.
void median_block_words(const std::uint8_t* const* planes, std::size_t count, std::size_t from,
                        std::uint8_t* out) {
  const std::size_t rank = count / 2;
  std::uint8_t median[kBlock] = {};
  for (int bit = 7; bit >= 0; --bit) {
    const auto add = static_cast<std::uint8_t>(1u << bit);
    std::uint16_t below[kBlock] = {};
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint8_t* plane = planes[k] + from;
      for (std::size_t j = 0; j < kBlock; ++j) {
        below[j] = static_cast<std::uint16_t>(below[j] + (plane[j] < (median[j] | add)));
      }
    }
    for (std::size_t j = 0; j < kBlock; ++j) {
      if (below[j] <= rank) median[j] = static_cast<std::uint8_t>(median[j] | add);
    }
  }
  std::copy(median, median + kBlock, out);
}

using BlockMedian = void (*)(const std::uint8_t* const*, std::size_t, std::size_t, std::uint8_t*);

void median_blocks(BlockMedian block, const std::uint8_t* const* planes, std::size_t count,
                   std::size_t pixels, std::uint8_t* out) {
  const std::size_t whole = pixels - pixels % kBlock;
  for (std::size_t from = 0; from < whole; from += kBlock) block(planes, count, from, out + from);
  if (whole == pixels) return;
  // The last pixels, copied into a whole block (the padding's medians are thrown away).
  std::vector<std::uint8_t> tail(count * kBlock, 0);
  std::vector<const std::uint8_t*> tail_planes(count);
  for (std::size_t k = 0; k < count; ++k) {
    std::copy(planes[k] + whole, planes[k] + pixels, tail.data() + k * kBlock);
    tail_planes[k] = tail.data() + k * kBlock;
  }
  std::uint8_t median[kBlock];
  block(tail_planes.data(), count, 0, median);
  std::copy(median, median + (pixels - whole), out + whole);
}

}  // namespace

void pixel_median(const std::uint8_t* const* planes, std::size_t count, std::size_t pixels,
                  std::uint8_t* out) {
  if (count == 0) return;
  if (count > kMaxPlanes) {
    throw base::InvalidArgument("pixel_median: " + std::to_string(count) + " planes, at most " +
                                std::to_string(kMaxPlanes));
  }
  median_blocks(count <= 255 ? median_block_bytes : median_block_words, planes, count, pixels, out);
}

}  // namespace neuro::video
