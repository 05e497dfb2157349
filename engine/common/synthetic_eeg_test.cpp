#include "engine/common/synthetic_eeg.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>

#include "engine/base/errors.hpp"

namespace neuro::common {
namespace {

// Power of one channel at one frequency (a single DFT bin, computed directly).
double power_at(std::span<const float> x, double rate_hz, double freq_hz) {
  std::complex<double> sum = 0;
  for (std::size_t n = 0; n < x.size(); ++n) {
    const double angle = -2.0 * std::numbers::pi * freq_hz * static_cast<double>(n) / rate_hz;
    sum += static_cast<double>(x[n]) * std::polar(1.0, angle);
  }
  return std::norm(sum) / static_cast<double>(x.size());
}

double correlation(std::span<const float> a, std::span<const float> b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(SyntheticEeg, HasTheRequestedShape) {
  for (const auto& profile : kDeviceProfiles) {
    const auto block = make_synthetic_eeg(options_for(profile, 2.0));
    EXPECT_EQ(block.channels(), profile.channels) << profile.name;
    EXPECT_EQ(block.samples(), static_cast<std::size_t>(2.0 * profile.sample_rate_hz));
    EXPECT_EQ(block.sample_rate_hz(), profile.sample_rate_hz);
    EXPECT_EQ(block.first_non_finite(), block.size());
  }
}

TEST(SyntheticEeg, IsDeterministicPerSeed) {
  SyntheticEegOptions options;
  const auto a = make_synthetic_eeg(options);
  const auto b = make_synthetic_eeg(options);
  EXPECT_TRUE(std::equal(a.data(), a.data() + a.size(), b.data()));
  const auto shorthand = make_synthetic_eeg(options.channels, options.sample_rate_hz,
                                            options.duration_s, options.seed);
  EXPECT_TRUE(std::equal(a.data(), a.data() + a.size(), shorthand.data()));
  options.seed = 2;
  const auto c = make_synthetic_eeg(options);
  EXPECT_FALSE(std::equal(a.data(), a.data() + a.size(), c.data()));
}

TEST(SyntheticEeg, CarriesAlphaAndLineNoise) {
  SyntheticEegOptions options;
  options.channels = 4;
  options.duration_s = 20.0;
  options.blinks_per_minute = 0;
  options.muscle_bursts_per_minute = 0;
  const auto block = make_synthetic_eeg(options);
  const auto posterior = block.channel(3);
  // Peaks well above the 1/f background one hertz either side.
  EXPECT_GT(power_at(posterior, 250.0, 10.0), 20.0 * power_at(posterior, 250.0, 12.5));
  EXPECT_GT(power_at(posterior, 250.0, 50.0), 20.0 * power_at(posterior, 250.0, 47.0));
  // The 1/f background: more power at 2 Hz than at 30 Hz.
  EXPECT_GT(power_at(posterior, 250.0, 2.0), 3.0 * power_at(posterior, 250.0, 30.0));
}

TEST(SyntheticEeg, ChannelsShareBackgroundLikeRealEeg) {
  SyntheticEegOptions options;
  options.channels = 8;
  options.duration_s = 10.0;
  const auto block = make_synthetic_eeg(options);
  const double r = correlation(block.channel(2), block.channel(3));
  EXPECT_GT(r, 0.3);
  EXPECT_LT(r, 0.95);
}

TEST(SyntheticEeg, BlinksDominateFrontalChannels) {
  SyntheticEegOptions options;
  options.channels = 8;
  options.duration_s = 60.0;
  options.blinks_per_minute = 20;
  const auto block = make_synthetic_eeg(options);
  auto peak = [&](std::size_t c) {
    const auto x = block.channel(c);
    return *std::max_element(x.begin(), x.end());
  };
  EXPECT_GT(peak(0), 80.0f);
  EXPECT_GT(peak(0), 3.0f * peak(4));  // channel 4: central, no muscle bursts
}

TEST(SyntheticEeg, AddsTheDcOffset) {
  SyntheticEegOptions options;
  options.dc_offset_uv = 5000.0;
  options.blinks_per_minute = 0;
  const auto block = make_synthetic_eeg(options);
  const auto x = block.channel(0);
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  EXPECT_NEAR(mean, 5000.0, 20.0);
}

TEST(SyntheticEeg, RejectsBadOptions) {
  SyntheticEegOptions options;
  options.channels = 0;
  EXPECT_THROW(make_synthetic_eeg(options), base::InvalidArgument);
  options = {};
  options.duration_s = 0;
  EXPECT_THROW(make_synthetic_eeg(options), base::InvalidArgument);
  options = {};
  options.sample_rate_hz = 80;  // line noise at 50 Hz is above Nyquist
  EXPECT_THROW(make_synthetic_eeg(options), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::common
