#include "engine/common/signal_block.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::common {
namespace {
constexpr float kMaxFinite = std::numeric_limits<float>::max();
}  // namespace

SignalBlock::SignalBlock(std::size_t channels, std::size_t samples, double sample_rate_hz)
    : channels_(channels),
      samples_(samples),
      sample_rate_hz_(sample_rate_hz),
      data_(channels * samples, 0.0f) {
  if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz)) {
    throw base::InvalidArgument("signal block: sample_rate_hz must be positive and finite, got " +
                                std::to_string(sample_rate_hz));
  }
}

std::size_t SignalBlock::first_non_finite() const noexcept {
  // Branch-free over chunks so the compiler vectorises the scan (the common case is a clean
  // block); only a chunk that holds a non-finite value is searched element by element.
  constexpr std::size_t kChunk = 1024;
  const float* p = data_.data();
  for (std::size_t start = 0; start < data_.size(); start += kChunk) {
    const std::size_t end = std::min(data_.size(), start + kChunk);
    bool bad = false;
    for (std::size_t i = start; i < end; ++i) bad |= !(std::abs(p[i]) <= kMaxFinite);
    if (!bad) continue;
    for (std::size_t i = start; i < end; ++i) {
      if (!std::isfinite(p[i])) return i;
    }
  }
  return data_.size();
}

}  // namespace neuro::common
