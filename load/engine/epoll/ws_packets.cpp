#include "load/engine/epoll/ws_packets.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/common/synthetic_eeg.hpp"

namespace neuro::load {
namespace {

constexpr double kLoopSeconds = 10;

}  // namespace

WsPackets::WsPackets(const WsEeg& eeg, double every_s)
    : channels_(static_cast<std::size_t>(eeg.channels)), per_packet_(eeg.sample_rate_hz * every_s) {
  const auto block =
      common::make_synthetic_eeg(channels_, eeg.sample_rate_hz, kLoopSeconds, eeg.seed);
  length_ = block.samples();
  samples_.assign(block.data(), block.data() + channels_ * length_);
  text_.reserve(samples_.size());
  char buf[32];
  for (float v : samples_) {
    const int n = std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(v));
    text_.emplace_back(buf, static_cast<std::size_t>(n));
  }
}

std::int64_t WsPackets::first_sample(std::int64_t k) const {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(k) * per_packet_ + 1e-9));
}

std::int64_t WsPackets::samples_in(std::int64_t k) const {
  return first_sample(k + 1) - first_sample(k);
}

void WsPackets::append_json(std::string& out, std::int64_t k) const {
  const std::int64_t first = first_sample(k), n = samples_in(k);
  out.push_back('[');
  for (std::size_t c = 0; c < channels_; ++c) {
    if (c) out.push_back(',');
    out.push_back('[');
    for (std::int64_t i = 0; i < n; ++i) {
      if (i) out.push_back(',');
      const auto s = static_cast<std::size_t>(first + i) % length_;
      out.append(text_[c * length_ + s]);
    }
    out.push_back(']');
  }
  out.push_back(']');
}

void WsPackets::append_binary(std::string& out, std::int64_t k) const {
  const std::int64_t first = first_sample(k), n = samples_in(k);
  for (std::size_t c = 0; c < channels_; ++c) {
    for (std::int64_t i = 0; i < n; ++i) {
      const auto s = static_cast<std::size_t>(first + i) % length_;
      char bytes[4];
      std::memcpy(bytes, &samples_[c * length_ + s], 4);
      out.append(bytes, 4);
    }
  }
}

}  // namespace neuro::load
