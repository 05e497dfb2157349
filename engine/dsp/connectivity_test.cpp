// Correlation and band coherence against numpy/scipy (golden cases) and known cases.
#include "engine/dsp/connectivity.hpp"

#include <gtest/gtest.h>

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

// Correlation is computed in double from the same float32 samples as numpy: only summation
// order differs, so 1e-12 absolute (values are in [-1, 1]).
TEST(ConnectivityGolden, CorrelationEqualsNumpyCorrcoef) {
  const auto cases = neuro::testing::golden_cases("connectivity");
  ASSERT_GE(cases.size(), 3u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("connectivity", name);
    const Eigen::MatrixXd r = correlation_matrix(golden.block("x", 1.0));
    const auto& expected = golden.array("correlation");
    ASSERT_EQ(static_cast<std::size_t>(r.rows()), expected.shape.at(0)) << name;
    for (Eigen::Index i = 0; i < r.rows(); ++i) {
      for (Eigen::Index j = 0; j < r.cols(); ++j) {
        EXPECT_NEAR(r(i, j), expected.values.at(static_cast<std::size_t>(i * r.cols() + j)), 1e-12)
            << name << " (" << i << ", " << j << ")";
      }
    }
  }
}

// Coherence is built from sums of float32 segment spectra (the FFT error is ~1e-7 of the
// segment norm, welch_test.cpp), accumulated in double. Coherence is in [0, 1] and a ratio of
// such sums, and band values average many bins: 1e-6 absolute (observed: <= 5e-8).
TEST(ConnectivityGolden, BandCoherenceEqualsScipyCoherence) {
  const auto cases = neuro::testing::golden_cases("connectivity");
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("connectivity", name);
    const double fs = golden.params().at("sample_rate_hz");
    CoherenceOptions options;
    options.welch.nperseg = golden.params().at("nperseg");
    const BandCoherence result = band_coherence(golden.block("x", fs), options);
    const auto& expected = golden.array("band_coherence");
    const std::size_t channels = result.channels;
    ASSERT_EQ(expected.shape, (std::vector<std::size_t>{kEegBands.size(), channels, channels}));
    ASSERT_EQ(result.matrices.size(), kEegBands.size());
    for (std::size_t b = 0; b < kEegBands.size(); ++b) {
      for (std::size_t i = 0; i < channels; ++i) {
        for (std::size_t j = 0; j < channels; ++j) {
          EXPECT_NEAR(
              result.matrices[b](static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)),
              expected.values.at((b * channels + i) * channels + j), 1e-6)
              << name << " " << kEegBands[b].name << " (" << i << ", " << j << ")";
        }
      }
    }
  }
}

// Longer than one 2048-sample chunk, with a large DC offset: against a direct two-pass formula.
TEST(Connectivity, CorrelationAcrossChunksEqualsTwoPass) {
  common::SyntheticEegOptions options;
  options.channels = 4;
  options.duration_s = 20.0;  // 5000 samples at 250 Hz
  options.dc_offset_uv = 3000.0;
  const SignalBlock block = common::make_synthetic_eeg(options);
  const Eigen::MatrixXd r = correlation_matrix(block);
  const std::size_t n = block.samples();
  std::vector<double> means(block.channels());
  for (std::size_t c = 0; c < block.channels(); ++c) {
    for (float v : block.channel(c)) means[c] += v;
    means[c] /= static_cast<double>(n);
  }
  const auto covariance = [&](std::size_t a, std::size_t b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += (block.at(a, i) - means[a]) * (block.at(b, i) - means[b]);
    }
    return sum;
  };
  for (std::size_t a = 0; a < block.channels(); ++a) {
    for (std::size_t b = 0; b < block.channels(); ++b) {
      const double expected = covariance(a, b) / std::sqrt(covariance(a, a) * covariance(b, b));
      EXPECT_NEAR(r(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)), expected, 1e-10);
    }
  }
}

TEST(Connectivity, CopiesAreFullyCoherentAndCorrelated) {
  SignalBlock block = eeg(3, 250.0, 8.0);
  for (std::size_t i = 0; i < block.samples(); ++i) {
    block.at(1, i) = block.at(0, i);
    block.at(2, i) = -2.0f * block.at(0, i);
  }
  const Eigen::MatrixXd r = correlation_matrix(block);
  EXPECT_NEAR(r(0, 1), 1.0, 1e-12);
  EXPECT_NEAR(r(0, 2), -1.0, 1e-12);
  CoherenceOptions options;
  options.welch.nperseg = 250;
  const BandCoherence coherence = band_coherence(block, options);
  for (const auto& m : coherence.matrices) {
    EXPECT_NEAR(m(0, 1), 1.0, 1e-6);
    EXPECT_NEAR(m(0, 2), 1.0, 1e-6);
    EXPECT_EQ(m(1, 1), 1.0);
  }
}

TEST(Connectivity, CoherenceTwoThreadsEqualOneThread) {
  const SignalBlock block = eeg(6, 512.0, 6.0);
  CoherenceOptions options;
  options.welch.nperseg = 512;
  const BandCoherence one = band_coherence(block, options);
  options.welch.threads = 2;
  const BandCoherence two = band_coherence(block, options);
  for (std::size_t b = 0; b < one.matrices.size(); ++b) {
    EXPECT_EQ(one.matrices[b], two.matrices[b]) << b;
  }
}

TEST(Connectivity, FlatChannelGivesZerosNotNan) {
  SignalBlock block = eeg(2, 128.0, 4.0);
  for (float& v : block.channel(1)) v = -7.0f;
  const Eigen::MatrixXd r = correlation_matrix(block);
  EXPECT_EQ(r(0, 1), 0.0);
  EXPECT_EQ(r(1, 1), 1.0);
  CoherenceOptions options;
  options.welch.nperseg = 128;
  for (const auto& m : band_coherence(block, options).matrices) EXPECT_EQ(m(0, 1), 0.0);
}

TEST(Connectivity, OneChannelGivesOneByOneIdentity) {
  const SignalBlock block = eeg(1, 250.0, 4.0);
  EXPECT_EQ(correlation_matrix(block), Eigen::MatrixXd::Identity(1, 1));
  CoherenceOptions options;
  options.welch.nperseg = 250;
  options.welch.threads = 2;
  const BandCoherence coherence = band_coherence(block, options);
  ASSERT_EQ(coherence.matrices.size(), kEegBands.size());
  for (const auto& m : coherence.matrices) EXPECT_EQ(m, Eigen::MatrixXd::Identity(1, 1));
}

TEST(Connectivity, RejectsBadInput) {
  EXPECT_THROW(correlation_matrix(SignalBlock()), InvalidArgument);
  EXPECT_THROW(correlation_matrix(SignalBlock(2, 1, 250.0)), InvalidArgument);
  SignalBlock block = eeg(2, 128.0, 2.0);
  block.at(1, 5) = std::numeric_limits<float>::quiet_NaN();
  try {
    correlation_matrix(block);
    ADD_FAILURE() << "NaN accepted";
  } catch (const InvalidArgument& error) {
    EXPECT_STREQ(error.what(), "correlation_matrix: non-finite sample at channel 1, sample 5");
  }
  CoherenceOptions options;
  options.welch.nperseg = 64;
  try {
    band_coherence(block, options);
    ADD_FAILURE() << "NaN accepted";
  } catch (const InvalidArgument& error) {
    EXPECT_STREQ(error.what(), "band_coherence: non-finite sample at channel 1, sample 5");
  }
  block.at(1, 5) = 0.0f;
  options.bands = {};
  EXPECT_THROW(band_coherence(block, options), InvalidArgument);
  options.bands = kEegBands;
  options.welch.nperseg = 1000;
  EXPECT_THROW(band_coherence(block, options), InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
