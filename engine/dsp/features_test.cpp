// Features against numpy/scipy (golden cases), against signals with known answers, and their
// error paths.
#include "engine/dsp/features.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/common/testing/golden_case.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;
using common::SignalBlock;
using neuro::testing::GoldenCase;

SignalBlock eeg(std::size_t channels, double fs, double seconds) {
  return common::make_synthetic_eeg(channels, fs, seconds);
}

// Tolerances. Spectral values inherit the float32 FFT error (welch_test.cpp: PSD bins within
// 2e-6 of the peak; observed <= 2e-7):
// - band and total powers sum bins, so their error is bounded by the PSD error times the bins
//   summed, i.e. a small fraction of the channel's total power: we allow 1e-6 of the total
//   (observed: <= 1.2e-7 relative to each value);
// - relative powers and spectral entropy are in [0, 1] and are ratios of such sums: 1e-6
//   absolute (observed: <= 3e-8);
// - Hjorth and line length do not touch the FFT: both sides work in double on the same float32
//   samples and differ only in summation order: 1e-12 relative (observed: ~1e-15).
TEST(FeatureGolden, EqualsNumpyForEveryCase) {
  const auto cases = neuro::testing::golden_cases("features");
  ASSERT_GE(cases.size(), 7u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("features", name);
    const double fs = golden.params().at("sample_rate_hz");
    FeatureOptions options;
    options.welch.nperseg = golden.params().at("nperseg");
    const auto features = compute_features(golden.block("x", fs), options);
    const std::size_t bands = kEegBands.size();
    ASSERT_EQ(golden.array("band_power").shape.at(1), bands);
    for (std::size_t c = 0; c < features.size(); ++c) {
      const ChannelFeatures& f = features[c];
      const std::string where = name + " channel " + std::to_string(c);
      const double total = golden.array("total_power").values.at(c);
      EXPECT_NEAR(f.total_power_uv2, total, 1e-6 * total) << where;
      for (std::size_t b = 0; b < bands; ++b) {
        const double power = golden.array("band_power").values.at(c * bands + b);
        EXPECT_NEAR(f.band_power_uv2.at(b), power, 1e-6 * total)
            << where << " band " << kEegBands[b].name;
        EXPECT_NEAR(f.relative_band_power.at(b),
                    golden.array("relative_band_power").values.at(c * bands + b), 1e-6)
            << where << " band " << kEegBands[b].name;
      }
      EXPECT_NEAR(f.spectral_entropy, golden.array("spectral_entropy").values.at(c), 1e-6) << where;
      for (const auto& [key, actual] :
           {std::pair{"activity", f.activity_uv2}, std::pair{"mobility", f.mobility},
            std::pair{"complexity", f.complexity}, std::pair{"line_length", f.line_length_uv}}) {
        const double expected = golden.array(key).values.at(c);
        EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected)) << where << " " << key;
      }
    }
  }
}

// x = +1, -1, ... (n = 1000 samples): var(x) = 1; dx = -2, +2, ... has 999 values summing to
// -2, so var(dx) = 4 - (2 / 999)^2; ddx = +4, -4, ... has 998 values, var 16. Hence
// mobility = sqrt(var(dx)), complexity = sqrt(16 / var(dx)) / mobility = 4 / var(dx), and the
// line length is 2 * 999.
TEST(Features, HjorthAndLineLengthOfAnAlternatingSignal) {
  SignalBlock block(1, 1000, 250.0);
  for (std::size_t i = 0; i < block.samples(); ++i) block.at(0, i) = i % 2 == 0 ? 1.0f : -1.0f;
  FeatureOptions options;
  options.welch.nperseg = 250;
  const auto f = compute_features(block, options).at(0);
  EXPECT_DOUBLE_EQ(f.activity_uv2, 1.0);
  const double var_dx = 4.0 - (2.0 / 999.0) * (2.0 / 999.0);
  EXPECT_NEAR(f.mobility, std::sqrt(var_dx), 1e-12);
  EXPECT_NEAR(f.complexity, 4.0 / var_dx, 1e-12);
  EXPECT_DOUBLE_EQ(f.line_length_uv, 2.0 * 999.0);
}

TEST(Features, RelativeBandPowersSumToOne) {
  const SignalBlock block = eeg(4, 250.0, 10.0);
  FeatureOptions options;
  options.welch.nperseg = 500;
  for (const auto& f : compute_features(block, options)) {
    double sum = 0.0;
    for (double r : f.relative_band_power) sum += r;
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_GT(f.spectral_entropy, 0.0);
    EXPECT_LT(f.spectral_entropy, 1.0);
  }
}

TEST(Features, FlatChannelGivesZerosNotNan) {
  SignalBlock block(2, 512, 128.0);
  for (std::size_t i = 0; i < block.samples(); ++i) {
    block.at(0, i) = 42.0f;  // a flat (disconnected) electrode with an offset
    block.at(1, i) = static_cast<float>(std::sin(0.3 * static_cast<double>(i)));
  }
  FeatureOptions options;
  options.welch.nperseg = 128;
  const auto features = compute_features(block, options);
  const ChannelFeatures& flat = features.at(0);
  EXPECT_EQ(flat.activity_uv2, 0.0);
  EXPECT_EQ(flat.mobility, 0.0);
  EXPECT_EQ(flat.complexity, 0.0);
  EXPECT_EQ(flat.line_length_uv, 0.0);
  EXPECT_EQ(flat.total_power_uv2, 0.0);
  EXPECT_EQ(flat.spectral_entropy, 0.0);
  for (double r : flat.relative_band_power) EXPECT_EQ(r, 0.0);
  EXPECT_GT(features.at(1).activity_uv2, 0.0);
}

TEST(Features, TwoThreadsEqualOneThread) {
  const SignalBlock block = eeg(5, 512.0, 8.0);
  FeatureOptions options;
  options.welch.nperseg = 512;
  const auto one = compute_features(block, options);
  options.welch.threads = 2;
  const auto two = compute_features(block, options);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t c = 0; c < one.size(); ++c) {
    EXPECT_EQ(one[c].band_power_uv2, two[c].band_power_uv2);
    EXPECT_EQ(one[c].relative_band_power, two[c].relative_band_power);
    EXPECT_EQ(one[c].spectral_entropy, two[c].spectral_entropy);
    EXPECT_EQ(one[c].activity_uv2, two[c].activity_uv2);
    EXPECT_EQ(one[c].complexity, two[c].complexity);
    EXPECT_EQ(one[c].line_length_uv, two[c].line_length_uv);
  }
}

void expect_invalid(const SignalBlock& block, const FeatureOptions& options,
                    const std::string& fragment) {
  try {
    compute_features(block, options);
    ADD_FAILURE() << "no exception for " << fragment;
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("compute_features: ", 0), 0u) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(Features, RejectsBadInputAndBands) {
  const SignalBlock block = eeg(2, 128.0, 4.0);
  FeatureOptions options;
  options.welch.nperseg = 128;
  options.welch.nperseg = 600;
  expect_invalid(block, options, "nperseg = 600 must be in [2, samples = 512]");
  options.welch.nperseg = 128;

  const std::array<FrequencyBand, 1> inverted{{{"inverted", 8.0, 4.0}}};
  options.bands = inverted;
  expect_invalid(block, options, "band 'inverted' [8, 4) Hz: need 0 <= low < high");
  const std::array<FrequencyBand, 1> above{{{"high_gamma", 50.0, 80.0}}};
  options.bands = above;
  expect_invalid(block, options,
                 "band 'high_gamma' [50, 80) Hz: high edge is above Nyquist (64 Hz)");
  const std::array<FrequencyBand, 1> narrow{{{"narrow", 10.2, 10.8}}};
  options.bands = narrow;
  expect_invalid(block, options, "band 'narrow' [10.2, 10.8) Hz: holds no PSD bin at 1 Hz");
  const std::array<FrequencyBand, 1> not_finite{
      {{"nan", std::numeric_limits<double>::quiet_NaN(), 4.0}}};
  options.bands = not_finite;
  expect_invalid(block, options, "band 'nan'");
  options.bands = kEegBands;
  options.total_range = {"total", 0.5, 100.0};
  expect_invalid(block, options, "band 'total' [0.5, 100) Hz: high edge is above Nyquist");
  options.total_range = kEegTotalRange;

  expect_invalid(SignalBlock(1, 2, 128.0), FeatureOptions{{2}}, "samples = 2 must be >= 3");
  SignalBlock with_nan = block;
  with_nan.at(0, 3) = std::numeric_limits<float>::quiet_NaN();
  expect_invalid(with_nan, options, "non-finite sample at channel 0, sample 3");
}

}  // namespace
}  // namespace neuro::dsp
