// remove_artifacts against the independent numpy reference (fixtures/golden/artifacts, made by
// make_artifacts.py), plus thread determinism and the bad-input errors.
#include "engine/dsp/artifacts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/common/testing/golden_case.hpp"

namespace neuro::dsp {
namespace {

ArtifactOptions options_from(const nlohmann::json& params) {
  ArtifactOptions options;
  options.flat_sd_uv = params.value("flat_sd_uv", options.flat_sd_uv);
  options.noisy_z = params.value("noisy_z", options.noisy_z);
  options.min_correlation = params.value("min_correlation", options.min_correlation);
  options.clip_k = params.value("clip_k", options.clip_k);
  return options;
}

void expect_same_or_both_nan(double actual, double expected, double tolerance,
                             const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what;
  } else {
    EXPECT_NEAR(actual, expected, tolerance) << what;
  }
}

TEST(ArtifactGolden, MatchesNumpyReference) {
  const auto names = testing::golden_cases("artifacts");
  ASSERT_GE(names.size(), 8u) << "run fixtures/golden/make_artifacts.py";
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const auto golden = testing::GoldenCase::load("artifacts", name);
    auto block = golden.block("input", golden.params().at("sample_rate_hz").get<double>());
    const auto report = remove_artifacts(block, options_from(golden.params()));
    const auto& expected = golden.array("cleaned").values;
    ASSERT_EQ(report.channels.size(), block.channels());

    for (std::size_t c = 0; c < block.channels(); ++c) {
      const auto& channel = report.channels[c];
      const std::string where = "channel " + std::to_string(c);
      EXPECT_EQ(channel.bad_reasons, golden.array("reasons").values[c]) << where;
      EXPECT_EQ(channel.clipped_samples, golden.array("clipped_samples").values[c]) << where;
      // Same float64 operations on the same float32 samples: medians, spreads and clip
      // bounds are bit-identical, which is also why the clipped counts match exactly.
      EXPECT_EQ(channel.median_uv, golden.array("median_uv").values[c]) << where;
      EXPECT_EQ(channel.robust_sd_uv, golden.array("robust_sd_uv").values[c]) << where;
      EXPECT_EQ(channel.clip_low_uv, golden.array("clip_low_uv").values[c]) << where;
      EXPECT_EQ(channel.clip_high_uv, golden.array("clip_high_uv").values[c]) << where;
      expect_same_or_both_nan(channel.noisy_z, golden.array("noisy_z").values[c], 1e-12, where);
      // Our Gram matrix is float32 (numpy's corrcoef float64): ~1e-6, checked at 1e-5.
      expect_same_or_both_nan(channel.max_abs_correlation,
                              golden.array("max_abs_correlation").values[c], 1e-5, where);
    }
    // Unclipped and repaired samples are float32 in both; a clipped sample is the float64
    // bound in the reference and its nearest float32 here: within half a float32 ulp.
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const double tolerance = std::abs(expected[i]) * 0x1p-24;
      if (std::abs(static_cast<double>(block.data()[i]) - expected[i]) > tolerance) ++mismatches;
    }
    EXPECT_EQ(mismatches, 0u);
  }
}

TEST(ArtifactGolden, ReportsRepairNeighbours) {
  const auto golden = testing::GoldenCase::load("artifacts", "edges_and_adjacent_32x160");
  auto block = golden.block("input", 250.0);
  const auto report = remove_artifacts(block);
  EXPECT_EQ(report.bad_channels(), (std::vector<std::size_t>{0, 15, 16, 31}));
  EXPECT_FALSE(report.channels[0].repaired_from_below.has_value());
  EXPECT_EQ(report.channels[0].repaired_from_above, 1u);
  EXPECT_EQ(report.channels[15].repaired_from_below, 14u);
  EXPECT_EQ(report.channels[15].repaired_from_above, 17u);
  EXPECT_EQ(report.channels[16].repaired_from_below, 14u);
  EXPECT_EQ(report.channels[31].repaired_from_below, 30u);
  EXPECT_FALSE(report.channels[31].repaired_from_above.has_value());
  EXPECT_FALSE(report.channels[1].repaired_from_below.has_value());  // good channel
  EXPECT_EQ(bad_reason_names(report.channels[31].bad_reasons), "noisy+uncorrelated");
  EXPECT_EQ(bad_reason_names(report.channels[0].bad_reasons), "flat");
  EXPECT_EQ(bad_reason_names(0), "good");
}

common::SignalBlock planted_block() {
  common::SyntheticEegOptions eeg;
  eeg.channels = 32;
  eeg.sample_rate_hz = 1000.0;
  eeg.duration_s = 30.0;
  auto block = common::make_synthetic_eeg(eeg);
  std::fill(block.channel(7).begin(), block.channel(7).end(), 3.0f);  // flat
  for (float& v : block.channel(20)) v *= 25.0f;                      // noisy
  return block;
}

TEST(ArtifactThreads, TwoThreadsGiveBitIdenticalResults) {
  auto one = planted_block();
  auto two = one;
  ArtifactOptions options;
  const auto report_one = remove_artifacts(one, options);
  options.threads = 2;
  const auto report_two = remove_artifacts(two, options);

  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size_bytes()), 0);
  EXPECT_TRUE(report_one.channels[7].bad_reasons & kFlat);
  EXPECT_TRUE(report_one.channels[20].bad_reasons & kNoisy);
  EXPECT_GT(report_one.clipped_samples(), 0u);  // the synthetic blinks
  for (std::size_t c = 0; c < one.channels(); ++c) {
    const auto& a = report_one.channels[c];
    const auto& b = report_two.channels[c];
    EXPECT_EQ(a.bad_reasons, b.bad_reasons);
    EXPECT_EQ(a.clipped_samples, b.clipped_samples);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.max_abs_correlation),
              std::bit_cast<std::uint64_t>(b.max_abs_correlation));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.noisy_z), std::bit_cast<std::uint64_t>(b.noisy_z));
  }
}

// Expects InvalidArgument whose message contains `needle`, and the block left untouched.
void expect_rejected(common::SignalBlock block, const ArtifactOptions& options,
                     const std::string& needle) {
  const common::SignalBlock before = block;
  try {
    remove_artifacts(block, options);
    ADD_FAILURE() << "expected InvalidArgument containing '" << needle << "'";
  } catch (const base::InvalidArgument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_EQ(message.rfind("remove_artifacts: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  ASSERT_EQ(block.size(), before.size());
  // Bytewise: the block may hold NaN, and an empty block has no data pointer to memcmp.
  EXPECT_TRUE(block.size() == 0 ||
              std::memcmp(block.data(), before.data(), block.size_bytes()) == 0);
}

common::SignalBlock small_eeg(std::size_t channels = 8) {
  common::SyntheticEegOptions eeg;
  eeg.channels = channels;
  eeg.duration_s = 4.0;
  return common::make_synthetic_eeg(eeg);
}

TEST(ArtifactErrors, BadOptionsNameTheParameter) {
  const auto block = small_eeg();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ArtifactOptions o;
  o.flat_sd_uv = 0.0;
  expect_rejected(block, o, "options.flat_sd_uv must be positive and finite, got 0");
  o = {};
  o.noisy_z = -1.0;
  expect_rejected(block, o, "options.noisy_z must be positive and finite, got -1");
  o = {};
  o.noisy_z = nan;
  expect_rejected(block, o, "options.noisy_z");
  o = {};
  o.min_correlation = 1.5;
  expect_rejected(block, o, "options.min_correlation must be in [0, 1], got 1.5");
  o = {};
  o.clip_k = inf;
  expect_rejected(block, o, "options.clip_k must be positive and finite, got inf");
  o = {};
  o.threads = 0;
  expect_rejected(block, o, "options.threads must be at least 1, got 0");
}

TEST(ArtifactErrors, BadBlocksSayWhatIsWrong) {
  expect_rejected(common::SignalBlock(), {}, "empty block (0 channels x 0 samples)");
  expect_rejected(common::SignalBlock(1, 100, 250.0), {}, "need at least 2 channels, got 1");
  expect_rejected(common::SignalBlock(4, 1, 250.0), {}, "need at least 2 samples, got 1");

  auto with_nan = small_eeg();
  with_nan.at(2, 17) = std::numeric_limits<float>::quiet_NaN();
  expect_rejected(with_nan, {}, "non-finite sample nan at channel 2, sample 17");
  auto with_inf = small_eeg();
  with_inf.at(5, 900) = -std::numeric_limits<float>::infinity();
  ArtifactOptions two_threads;
  two_threads.threads = 2;
  expect_rejected(with_inf, two_threads, "at channel 5, sample 900");
}

TEST(ArtifactErrors, TooFewUsableOrGoodChannels) {
  auto mostly_flat = small_eeg(4);
  for (std::size_t c = 1; c < 4; ++c) {
    std::fill(mostly_flat.channel(c).begin(), mostly_flat.channel(c).end(), 1.0f);
  }
  expect_rejected(mostly_flat, {}, "fewer than 2 non-flat channels (1 of 4");

  // Two independent white-noise channels: each is uncorrelated with the only other one.
  common::SignalBlock unrelated(2, 5000, 250.0);
  std::mt19937_64 gen(3);
  std::normal_distribution<float> noise(0.0f, 10.0f);
  for (std::size_t i = 0; i < unrelated.size(); ++i) unrelated.data()[i] = noise(gen);
  expect_rejected(unrelated, {}, "every channel is bad");
}

}  // namespace
}  // namespace neuro::dsp
