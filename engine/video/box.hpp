// An axis-aligned box in full-resolution pixels and the overlap measure the detector's tests and
// the validation use.
#pragma once

#include <algorithm>
#include <cstdint>

namespace neuro::video {

struct Box {
  int x = 0;  // left column
  int y = 0;  // top row
  int width = 0;
  int height = 0;
  bool operator==(const Box&) const = default;
};

// Intersection over union; 0 when either box is empty.
inline double iou(const Box& a, const Box& b) noexcept {
  const int x0 = std::max(a.x, b.x);
  const int y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.width, b.x + b.width);
  const int y1 = std::min(a.y + a.height, b.y + b.height);
  if (x1 <= x0 || y1 <= y0) return 0.0;
  const auto inter = static_cast<std::int64_t>(x1 - x0) * (y1 - y0);
  const auto uni = static_cast<std::int64_t>(a.width) * a.height +
                   static_cast<std::int64_t>(b.width) * b.height - inter;
  return uni > 0 ? static_cast<double>(inter) / static_cast<double>(uni) : 0.0;
}

}  // namespace neuro::video
