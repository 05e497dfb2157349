#include "engine/dsp/zero_phase.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/filter_test_support.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;
using common::SignalBlock;
using neuro::testing::GoldenCase;

TEST(ZeroPhase, EqualsScipySosfiltfiltForEveryGoldenCase) {
  const auto cases = neuro::testing::golden_cases("filter");
  ASSERT_GE(cases.size(), 8u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("filter", name);
    const double fs = golden.params().at("fs");
    const ZeroPhaseFilter filter(testing::design_for(golden));
    const auto out = filter.apply(golden.block("x", fs));
    testing::expect_matches_reference(out, golden.array("sosfiltfilt"), name);
  }
}

TEST(ZeroPhase, PadlenIsScipys) {
  EXPECT_EQ(ZeroPhaseFilter(butter_bandpass(4, 0.5, 50.0, 250.0)).padlen(), 27u);
  EXPECT_EQ(ZeroPhaseFilter(butter_bandpass(1, 0.5, 50.0, 250.0)).padlen(), 9u);
  // A first-order section (b2 == a2 == 0) counts one tap less, as in scipy.
  SosCoefficients first_order{{0.5, 0.5, 0.0, 1.0, -0.2, 0.0}};
  EXPECT_EQ(ZeroPhaseFilter(first_order).padlen(), 6u);
}

// Why the state is double: with a DC offset, the 0.5 Hz sections (poles at |z| ~ 0.998)
// accumulate float32 rounding into errors comparable to the signal. A float32-state sosfiltfilt
// written out here shows it on the golden DC case, while ours stays at float32 output rounding.
SignalBlock float_state_sosfiltfilt(const SosCoefficients& sos, const SignalBlock& x,
                                    std::size_t padlen) {
  SignalBlock out(x.channels(), x.samples(), x.sample_rate_hz());
  for (std::size_t c = 0; c < x.channels(); ++c) {
    const auto in = x.channel(c);
    const std::size_t n = in.size();
    std::vector<float> ext;
    for (std::size_t i = padlen; i > 0; --i) ext.push_back(2 * in[0] - in[i]);
    ext.insert(ext.end(), in.begin(), in.end());
    for (std::size_t i = 0; i < padlen; ++i) ext.push_back(2 * in[n - 1] - in[n - 2 - i]);
    const SosKernel kernel(sos);
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<float> z(2 * sos.size());
      const float x0 = ext[0];
      for (std::size_t k = 0; k < z.size(); ++k) {
        z[k] = static_cast<float>(kernel.unit_step_state()[k]) * x0;
      }
      for (auto& v : ext) {
        float y = v;
        for (std::size_t s = 0; s < sos.size(); ++s) {
          const auto& q = sos[s];
          const float out_s = static_cast<float>(q[0]) * y + z[2 * s];
          z[2 * s] = static_cast<float>(q[1]) * y - static_cast<float>(q[4]) * out_s + z[2 * s + 1];
          z[2 * s + 1] = static_cast<float>(q[2]) * y - static_cast<float>(q[5]) * out_s;
          y = out_s;
        }
        v = y;
      }
      std::reverse(ext.begin(), ext.end());
    }
    std::copy_n(ext.begin() + static_cast<std::ptrdiff_t>(padlen), n, out.channel(c).begin());
  }
  return out;
}

TEST(ZeroPhase, DcOffsetNeedsDoubleState) {
  const auto golden = GoldenCase::load("filter", "dc_offset_1000");
  const auto x = golden.block("x", 1000.0);
  const auto& want = golden.array("sosfiltfilt");
  const auto sos = testing::design_for(golden);
  const ZeroPhaseFilter filter(sos);
  const auto ours = filter.apply(x);
  const auto naive = float_state_sosfiltfilt(sos, x, filter.padlen());
  double ours_error = 0, naive_error = 0, peak = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    peak = std::max(peak, std::abs(want.values[i]));
    ours_error = std::max(ours_error, std::abs(ours.data()[i] - want.values[i]));
    naive_error = std::max(naive_error, std::abs(naive.data()[i] - want.values[i]));
  }
  EXPECT_LT(ours_error, 1e-5 * peak);
  EXPECT_GT(naive_error, 1e-2 * peak) << "the float32 reference unexpectedly held up";
}

TEST(ZeroPhase, ThreadsAndInPlaceGiveIdenticalResults) {
  common::SyntheticEegOptions options;
  options.channels = 19;  // two full groups of lanes and a partial one
  options.sample_rate_hz = 500.0;
  options.duration_s = 4.0;
  const auto x = common::make_synthetic_eeg(options);
  const ZeroPhaseFilter filter(butter_bandpass(4, 0.5, 50.0, 500.0));
  const auto one = filter.apply(x, 1);
  const auto two = filter.apply(x, 2);
  SignalBlock in_place = x;
  filter.apply(in_place, in_place, 2);
  EXPECT_TRUE(std::equal(one.data(), one.data() + one.size(), two.data()));
  EXPECT_TRUE(std::equal(one.data(), one.data() + one.size(), in_place.data()));
}

TEST(ZeroPhase, EachChannelIsFilteredOnItsOwn) {
  // A channel's output must not depend on its lane neighbours (lanes are independent).
  common::SyntheticEegOptions options;
  options.channels = 9;
  options.duration_s = 3.0;
  const auto x = common::make_synthetic_eeg(options);
  const ZeroPhaseFilter filter(butter_bandpass(4, 0.5, 50.0, 250.0));
  const auto all = filter.apply(x);
  SignalBlock single(1, x.samples(), x.sample_rate_hz());
  std::copy_n(x.channel(5).data(), x.samples(), single.data());
  const auto alone = filter.apply(single);
  EXPECT_TRUE(std::equal(alone.data(), alone.data() + alone.size(), all.channel(5).data()));
}

TEST(ZeroPhase, RejectsBadInput) {
  const ZeroPhaseFilter filter(butter_bandpass(4, 0.5, 50.0, 250.0));
  EXPECT_THROW(filter.apply(SignalBlock()), InvalidArgument);
  EXPECT_THROW(filter.apply(SignalBlock(2, 0, 250.0)), InvalidArgument);
  EXPECT_THROW(filter.apply(SignalBlock(2, 27, 250.0)), InvalidArgument);  // == padlen
  EXPECT_NO_THROW(filter.apply(SignalBlock(2, 28, 250.0)));
  SignalBlock with_nan(10, 500, 250.0);
  with_nan.at(9, 321) = std::numeric_limits<float>::quiet_NaN();
  try {
    filter.apply(with_nan);
    FAIL() << "NaN accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("channel 9"), std::string::npos) << e.what();
  }
  SignalBlock with_inf(3, 500, 250.0);
  with_inf.at(0, 0) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(filter.apply(with_inf), InvalidArgument);
  EXPECT_THROW(ZeroPhaseFilter(SosCoefficients{}), InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
