// The one signal type of the engine: channels x samples of float32, channel-contiguous
// (row-major, channel c occupies [c * samples, (c + 1) * samples)), with its sample rate.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "engine/common/huge_page_allocator.hpp"

namespace neuro::common {

class SignalBlock {
 public:
  SignalBlock() = default;
  // Zero-filled block. Throws base::InvalidArgument when sample_rate_hz is not positive and finite.
  SignalBlock(std::size_t channels, std::size_t samples, double sample_rate_hz);

  std::size_t channels() const noexcept { return channels_; }
  std::size_t samples() const noexcept { return samples_; }
  std::size_t size() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }
  double sample_rate_hz() const noexcept { return sample_rate_hz_; }
  double duration_s() const noexcept { return static_cast<double>(samples_) / sample_rate_hz_; }
  std::size_t size_bytes() const noexcept { return data_.size() * sizeof(float); }

  std::span<float> channel(std::size_t c) noexcept {
    return {data_.data() + c * samples_, samples_};
  }
  std::span<const float> channel(std::size_t c) const noexcept {
    return {data_.data() + c * samples_, samples_};
  }
  float& at(std::size_t c, std::size_t s) noexcept { return data_[c * samples_ + s]; }
  float at(std::size_t c, std::size_t s) const noexcept { return data_[c * samples_ + s]; }

  float* data() noexcept { return data_.data(); }
  const float* data() const noexcept { return data_.data(); }

  // Index of the first non-finite sample, or size() when every sample is finite.
  std::size_t first_non_finite() const noexcept;

 private:
  std::size_t channels_ = 0;
  std::size_t samples_ = 0;
  double sample_rate_hz_ = 0.0;
  std::vector<float, HugePageAllocator<float>> data_;
};

}  // namespace neuro::common
