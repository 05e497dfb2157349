#include "engine/common/signal_block.hpp"

#include <cmath>
#include <string>

#include "engine/common/errors.hpp"

namespace neuro::common {

SignalBlock::SignalBlock(std::size_t channels, std::size_t samples, double sample_rate_hz)
    : channels_(channels),
      samples_(samples),
      sample_rate_hz_(sample_rate_hz),
      data_(channels * samples, 0.0f) {
  if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz)) {
    throw InvalidArgument("signal block: sample_rate_hz must be positive and finite, got " +
                          std::to_string(sample_rate_hz));
  }
}

std::size_t SignalBlock::first_non_finite() const noexcept {
  for (std::size_t i = 0; i < data_.size(); ++i) {
    if (!std::isfinite(data_[i])) return i;
  }
  return data_.size();
}

}  // namespace neuro::common
