// The per-pixel median of a stack of 8-bit planes, for the detector's background model.
#pragma once

#include <cstddef>
#include <cstdint>

namespace neuro::video {

// Counts of samples below a candidate are 8-bit up to 255 planes, 16-bit past (never 32-bit,
// which would quarter the SIMD lanes).
inline constexpr std::size_t kMaxPlanes = 65535;

// out[p] = the element of rank count / 2 (0-based, the lower median for even counts) among
// planes[0][p] .. planes[count - 1][p], for p < pixels: what std::nth_element at count / 2
// gives, computed for many pixels at once.
void pixel_median(const std::uint8_t* const* planes, std::size_t count, std::size_t pixels,
                  std::uint8_t* out);

}  // namespace neuro::video
