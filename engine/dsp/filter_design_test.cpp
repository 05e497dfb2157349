#include "engine/dsp/filter_design.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "engine/base/errors.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/filter_test_support.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;
using neuro::testing::GoldenCase;

// Coefficients are computed in double along scipy's exact sequence of operations; the only
// differences are libm/complex-division roundings, a few ulps. 1e-11 relative to each section's
// largest coefficient leaves room for those and nothing else (a different pairing or section
// order changes coefficients in the first digit).
TEST(FilterDesign, EqualsScipyForEveryGoldenDesign) {
  const auto cases = neuro::testing::golden_cases("design");
  ASSERT_GE(cases.size(), 16u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("design", name);
    const auto& p = golden.params();
    const auto want = testing::sos_from(golden.array("sos"));
    const auto got =
        p.at("kind") == "butter"
            ? butter_bandpass(p.at("order"), p.at("low_hz"), p.at("high_hz"), p.at("fs"))
            : iirnotch(p.at("notch_hz"), p.at("quality"), p.at("fs"));
    ASSERT_EQ(got.size(), want.size()) << name;
    for (std::size_t s = 0; s < got.size(); ++s) {
      double scale = 0;
      for (double v : want[s]) scale = std::max(scale, std::abs(v));
      for (std::size_t k = 0; k < 6; ++k) {
        EXPECT_NEAR(got[s][k], want[s][k], 1e-11 * scale)
            << name << " section " << s << " coef " << k;
      }
    }
  }
}

TEST(FilterDesign, BandPassHasUnitGainInTheBandAndNoneAtDc) {
  const auto sos = butter_bandpass(4, 0.5, 50.0, 250.0);
  auto gain_at = [&](double hz) {
    const std::complex<double> z = std::polar(1.0, 2.0 * std::numbers::pi * hz / 250.0);
    std::complex<double> h = 1.0;
    for (const auto& s : sos) {
      h *= (s[0] + s[1] / z + s[2] / (z * z)) / (s[3] + s[4] / z + s[5] / (z * z));
    }
    return std::abs(h);
  };
  EXPECT_NEAR(gain_at(10.0), 1.0, 1e-3);
  EXPECT_NEAR(gain_at(std::sqrt(0.5 * 50.0)), 1.0, 1e-3);
  EXPECT_NEAR(gain_at(50.0), std::sqrt(0.5), 1e-3);  // -3 dB at the edge, by definition
  EXPECT_LT(gain_at(0.001), 1e-4);
  EXPECT_LT(gain_at(120.0), 1e-3);
}

TEST(FilterDesign, RejectsBadBands) {
  EXPECT_THROW(butter_bandpass(4, 50.0, 0.5, 250.0), InvalidArgument);   // lo >= hi
  EXPECT_THROW(butter_bandpass(4, 10.0, 10.0, 250.0), InvalidArgument);  // lo == hi
  EXPECT_THROW(butter_bandpass(4, 0.5, 125.0, 250.0), InvalidArgument);  // hi at Nyquist
  EXPECT_THROW(butter_bandpass(4, 0.0, 50.0, 250.0), InvalidArgument);   // lo at 0
  EXPECT_THROW(butter_bandpass(0, 0.5, 50.0, 250.0), InvalidArgument);   // order
  EXPECT_THROW(butter_bandpass(4, 0.5, 50.0, -1.0), InvalidArgument);    // rate
  EXPECT_THROW(butter_bandpass(4, std::nan(""), 50.0, 250.0), InvalidArgument);
  EXPECT_THROW(iirnotch(130.0, 30.0, 250.0), InvalidArgument);
  EXPECT_THROW(iirnotch(50.0, 0.0, 250.0), InvalidArgument);
  try {
    butter_bandpass(4, 0.5, 200.0, 250.0);
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("Nyquist (125.000000 Hz)"), std::string::npos) << e.what();
  }
}

TEST(FilterDesign, ValidateSosNamesTheBadSection) {
  SosCoefficients sos = butter_bandpass(2, 1.0, 40.0, 250.0);
  EXPECT_NO_THROW(validate_sos(sos, "test"));
  sos[1][3] = 2.0;
  EXPECT_THROW(validate_sos(sos, "test"), InvalidArgument);
  sos[1][3] = 1.0;
  sos[0][1] = std::nan("");
  EXPECT_THROW(validate_sos(sos, "test"), InvalidArgument);
  EXPECT_THROW(validate_sos({}, "test"), InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
