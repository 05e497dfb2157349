#include "engine/dsp/pipeline.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/filter_test_support.hpp"

namespace neuro::dsp {
namespace {

using neuro::testing::GoldenCase;

// Features are sums over thousands of float32 samples whose values may differ from the
// reference's float32 rounding by an ulp (our filter vs float32(scipy)), plus float32 FFT
// rounding: relative errors of order 1e-6. 1e-4 relative leaves margin and still catches a
// wrong stage order, window, bin range or definition (those move features by percent).
void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-4 * std::abs(want) + 1e-9) << what;
}

TEST(Pipeline, EqualsTheChainedReferences) {
  const auto cases = neuro::testing::golden_cases("pipeline");
  ASSERT_GE(cases.size(), 2u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("pipeline", name);
    const double fs = golden.params().at("fs");
    PipelineOptions options;
    options.nperseg = golden.params().at("nperseg");
    const Pipeline pipeline(options, fs);
    const auto result = pipeline.run(golden.block("x", fs));

    const auto channels = result.cleaned.channels();
    const auto& reasons = golden.array("reasons").values;
    for (std::size_t c = 0; c < channels; ++c) {
      EXPECT_EQ(result.artifacts.channels[c].bad_reasons, static_cast<int>(reasons[c]))
          << name << " channel " << c;
    }
    testing::expect_matches_reference(result.cleaned, golden.array("cleaned"), name);

    const auto& band = golden.array("band_power").values;
    const auto& relative = golden.array("relative_band_power").values;
    const auto bands = golden.array("band_power").shape[1];
    ASSERT_EQ(result.features.size(), channels);
    for (std::size_t c = 0; c < channels; ++c) {
      const auto& f = result.features[c];
      const std::string where = name + " channel " + std::to_string(c);
      ASSERT_EQ(f.band_power_uv2.size(), bands);
      for (std::size_t b = 0; b < bands; ++b) {
        expect_close(f.band_power_uv2[b], band[c * bands + b],
                     where + " band " + std::to_string(b));
        expect_close(f.relative_band_power[b], relative[c * bands + b], where + " relative");
      }
      expect_close(f.total_power_uv2, golden.array("total_power").values[c], where + " total");
      expect_close(f.spectral_entropy, golden.array("spectral_entropy").values[c], where + " H");
      expect_close(f.activity_uv2, golden.array("hjorth").values[3 * c], where + " activity");
      expect_close(f.mobility, golden.array("hjorth").values[3 * c + 1], where + " mobility");
      expect_close(f.complexity, golden.array("hjorth").values[3 * c + 2], where + " complexity");
      expect_close(f.line_length_uv, golden.array("line_length").values[c], where + " line");
    }
  }
}

TEST(Pipeline, ThreadsAgreeAndBuffersAreReused) {
  common::SyntheticEegOptions eeg;
  eeg.channels = 19;
  eeg.sample_rate_hz = 500.0;
  eeg.duration_s = 6.0;
  const auto block = common::make_synthetic_eeg(eeg);
  PipelineOptions options;
  options.notch_hz = 50.0;
  const auto one = Pipeline(options, 500.0).run(block);
  options.threads = 2;
  const Pipeline two_threads(options, 500.0);
  PipelineResult reused;
  two_threads.run(block, reused);
  const float* storage = reused.cleaned.data();
  two_threads.run(block, reused);
  EXPECT_EQ(reused.cleaned.data(), storage) << "the cleaned block was reallocated";
  EXPECT_TRUE(std::equal(one.cleaned.data(), one.cleaned.data() + one.cleaned.size(),
                         reused.cleaned.data()));
  ASSERT_EQ(one.features.size(), reused.features.size());
  for (std::size_t c = 0; c < one.features.size(); ++c) {
    EXPECT_EQ(one.features[c].band_power_uv2, reused.features[c].band_power_uv2);
  }
}

TEST(Pipeline, RejectsMismatchedRateAndBadOptions) {
  const Pipeline pipeline(PipelineOptions{}, 250.0);
  EXPECT_THROW(pipeline.run(common::SignalBlock(8, 1000, 500.0)), base::InvalidArgument);
  PipelineOptions options;
  options.high_hz = 200.0;
  EXPECT_THROW(Pipeline(options, 250.0), base::InvalidArgument);
  options = {};
  options.threads = 0;
  EXPECT_THROW(Pipeline(options, 250.0), base::InvalidArgument);
  options = {};
  options.notch_hz = 130.0;
  EXPECT_THROW(Pipeline(options, 250.0), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
