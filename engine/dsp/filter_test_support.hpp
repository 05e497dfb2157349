// Shared by the filter tests: comparing float32 filter output with scipy's float64 golden data.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

#include "engine/common/signal_block.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/filter_design.hpp"

namespace neuro::dsp::testing {

// Output is float32, so each sample carries up to half an ulp of rounding (2^-24 relative);
// the double-precision recursions add far less. The tolerance is 8 float32 ulps of the channel's
// largest reference value: tight enough that a float32 state (errors of the order of the
// signal with a DC offset) or a wrong initial condition fails by orders of magnitude.
inline void expect_matches_reference(const common::SignalBlock& got,
                                     const neuro::testing::GoldenArray& want,
                                     const std::string& what) {
  ASSERT_EQ(want.shape.size(), 2u);
  ASSERT_EQ(got.channels(), want.shape[0]) << what;
  ASSERT_EQ(got.samples(), want.shape[1]) << what;
  for (std::size_t c = 0; c < got.channels(); ++c) {
    const std::span<const double> ref(want.values.data() + c * got.samples(), got.samples());
    double peak = 0;
    for (double v : ref) peak = std::max(peak, std::abs(v));
    const double tolerance = 8.0 * std::ldexp(peak, -24);
    double worst = 0;
    std::size_t worst_at = 0;
    for (std::size_t s = 0; s < got.samples(); ++s) {
      const double error = std::abs(static_cast<double>(got.at(c, s)) - ref[s]);
      if (error > worst) worst = error, worst_at = s;
    }
    EXPECT_LE(worst, tolerance) << what << ": channel " << c << " sample " << worst_at
                                << " differs by " << worst << " (peak " << peak << ")";
  }
}

inline SosCoefficients sos_from(const neuro::testing::GoldenArray& a) {
  SosCoefficients sos(a.shape[0]);
  for (std::size_t s = 0; s < sos.size(); ++s) {
    std::copy_n(a.values.begin() + static_cast<std::ptrdiff_t>(6 * s), 6, sos[s].begin());
  }
  return sos;
}

// The design a golden filter case was made with, from our own designer (itself tested against
// scipy's coefficients in filter_design_test).
inline SosCoefficients design_for(const neuro::testing::GoldenCase& golden) {
  const auto& p = golden.params();
  auto sos = butter_bandpass(p.at("order").get<int>(), p.at("low_hz").get<double>(),
                             p.at("high_hz").get<double>(), p.at("fs").get<double>());
  if (p.at("notch_hz").get<double>() > 0) {
    const auto notch = iirnotch(p.at("notch_hz").get<double>(), p.at("notch_quality").get<double>(),
                                p.at("fs").get<double>());
    sos.insert(sos.end(), notch.begin(), notch.end());
  }
  return sos;
}

}  // namespace neuro::dsp::testing
