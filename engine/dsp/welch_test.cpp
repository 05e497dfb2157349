// Welch PSD against scipy.signal.welch (golden cases), against analytic spectra, and the FFT plan
// cache: reuse, thread safety, alignment checks.
#include "engine/dsp/welch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numbers>
#include <thread>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/fft_plan_cache.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;
using common::SignalBlock;
using neuro::testing::GoldenCase;

SignalBlock eeg(std::size_t channels, double fs, double seconds, std::uint64_t seed = 3) {
  common::SyntheticEegOptions options;
  options.channels = channels;
  options.sample_rate_hz = fs;
  options.duration_s = seconds;
  options.seed = seed;
  return common::make_synthetic_eeg(options);
}

// Tolerance for our float32-FFT PSD vs scipy's float64 one. The input is the same float32 data,
// and detrend and window run in double, so the only float32 step is the FFT (and the rounding of
// its input to float): FFT error per bin is about eps32 * log2(L) * ||segment||, i.e. ~6e-7 of
// the segment's norm at L = 1000, so ~1e-6 of the largest |X|^2. We allow 2e-6 of the
// channel's PSD peak (observed: <= 2e-7 on every golden case), absolute, not per bin: bins far
// below the peak (the Hann leakage floor) carry the same absolute error and no information.
void expect_psd_near(std::span<const double> actual, std::span<const double> expected,
                     const std::string& where) {
  ASSERT_EQ(actual.size(), expected.size()) << where;
  double peak = 0.0;
  for (double v : expected) peak = std::max(peak, v);
  double worst = 0.0;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const double error = std::abs(actual[k] - expected[k]);
    worst = std::max(worst, error / peak);
    EXPECT_LE(error, 2e-6 * peak) << where << " bin " << k;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", worst);
  ::testing::Test::RecordProperty(where + " worst error / peak", text);
}

TEST(WelchGolden, EqualsScipyWelchForEveryCase) {
  const auto cases = neuro::testing::golden_cases("features");
  ASSERT_GE(cases.size(), 7u);
  for (const auto& name : cases) {
    const auto golden = GoldenCase::load("features", name);
    const double fs = golden.params().at("sample_rate_hz");
    WelchOptions options;
    options.nperseg = golden.params().at("nperseg");
    const Psd psd = welch(golden.block("x", fs), options);

    const auto& frequencies = golden.array("frequencies_hz").values;
    ASSERT_EQ(psd.frequencies_hz.size(), frequencies.size()) << name;
    for (std::size_t k = 0; k < frequencies.size(); ++k) {
      // Same arithmetic as numpy's rfftfreq, so band edges classify bins identically.
      EXPECT_EQ(psd.frequencies_hz[k], frequencies[k]) << name << " bin " << k;
    }
    const auto& expected = golden.array("psd");
    ASSERT_EQ(expected.shape[0], psd.channels) << name;
    ASSERT_EQ(expected.shape[1], psd.bins) << name;
    for (std::size_t c = 0; c < psd.channels; ++c) {
      expect_psd_near(psd.channel(c), std::span(expected.values).subspan(c * psd.bins, psd.bins),
                      name + " channel " + std::to_string(c));
    }
  }
}

// Independent of scipy: a sinusoid of amplitude A has mean power A^2 / 2, and a density PSD
// integrates to the mean power (within the Hann main lobe, which holds all but ~1e-9 of it).
TEST(Welch, SinusoidPowerIntegratesToHalfAmplitudeSquared) {
  const double fs = 500.0;
  SignalBlock block(1, 5000, fs);
  for (std::size_t i = 0; i < block.samples(); ++i) {
    block.at(0, i) = static_cast<float>(
        4.0 * std::sin(2 * std::numbers::pi * 37.0 * static_cast<double>(i) / fs + 0.3));
  }
  WelchOptions options;
  options.nperseg = 500;
  const Psd psd = welch(block, options);
  double integral = 0.0;
  for (double v : psd.channel(0)) integral += v * (psd.frequencies_hz[1] - psd.frequencies_hz[0]);
  EXPECT_NEAR(integral, 8.0, 8.0 * 1e-5);
  // And the peak is at 37 Hz.
  const auto density = psd.channel(0);
  const auto peak = std::max_element(density.begin(), density.end()) - density.begin();
  EXPECT_DOUBLE_EQ(psd.frequencies_hz[static_cast<std::size_t>(peak)], 37.0);
}

// The one-sided rule on bins whose values are known in closed form (so a DC or Nyquist bin far
// below the PSD peak, which the golden tolerance could not resolve, is still checked). With
// L = nperseg, sum w = L / 2 and sum w^2 = 3 L / 8:
// - x[i] = (-1)^i: X[L/2] = sum w = L / 2 and X[L/2 - 1] = -L / 4, so the Nyquist bin is
//   (L/2)^2 / (fs 3L/8) = 2 L / (3 fs) (not doubled) and the bin below L / (3 fs) (doubled);
// - x[i] = cos(2 pi i / L): x w = cos / 2 - 1 / 4 - cos(2 theta) / 4 has X[0] = -L / 4,
//   X[1] = L / 4, X[2] = -L / 8 in every segment, so DC is L / (6 fs) (not doubled), bin 1 is
//   L / (3 fs) and bin 2 is L / (12 fs).
TEST(Welch, DcAndNyquistBinsAreNotDoubled) {
  const double fs = 100.0;
  const std::size_t nperseg = 64;
  const double l = static_cast<double>(nperseg);
  SignalBlock block(2, 640, fs);
  for (std::size_t i = 0; i < block.samples(); ++i) {
    block.at(0, i) = i % 2 == 0 ? 1.0f : -1.0f;
    block.at(1, i) =
        static_cast<float>(std::cos(2 * std::numbers::pi * static_cast<double>(i) / l));
  }
  WelchOptions options;
  options.nperseg = nperseg;
  const Psd psd = welch(block, options);
  const auto alternating = psd.channel(0);
  EXPECT_NEAR(alternating[psd.bins - 1], 2 * l / (3 * fs), 1e-6);
  EXPECT_NEAR(alternating[psd.bins - 2], l / (3 * fs), 1e-6);
  const auto cosine = psd.channel(1);
  EXPECT_NEAR(cosine[0], l / (6 * fs), 1e-6);
  EXPECT_NEAR(cosine[1], l / (3 * fs), 1e-6);
  EXPECT_NEAR(cosine[2], l / (12 * fs), 1e-6);
  EXPECT_NEAR(cosine[3], 0.0, 1e-6);
}

TEST(Welch, TwoThreadsEqualOneThreadBitForBit) {
  const SignalBlock block = eeg(7, 250.0, 20.0);
  WelchOptions options;
  options.nperseg = 256;
  const Psd one = welch(block, options);
  options.threads = 2;
  const Psd two = welch(block, options);
  EXPECT_EQ(one.density, two.density);
}

void expect_invalid(const SignalBlock& block, const WelchOptions& options,
                    const std::string& fragment) {
  try {
    welch(block, options);
    ADD_FAILURE() << "no exception for " << fragment;
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("welch: "), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
  }
}

TEST(Welch, RejectsBadInputWithOneLineMessages) {
  const SignalBlock block = eeg(2, 250.0, 2.0);
  WelchOptions options;
  options.nperseg = 1;
  expect_invalid(block, options, "nperseg = 1 must be in [2, samples = 500]");
  options.nperseg = 501;
  expect_invalid(block, options, "nperseg = 501");
  options.nperseg = 64;
  options.threads = 0;
  expect_invalid(block, options, "threads = 0");
  options.threads = 1;
  expect_invalid(SignalBlock(), options, "empty block");
  expect_invalid(SignalBlock(3, 0, 250.0), options, "empty block (3 channels x 0 samples)");
  SignalBlock with_nan = block;
  with_nan.at(1, 17) = std::numeric_limits<float>::quiet_NaN();
  expect_invalid(with_nan, options, "non-finite sample at channel 1, sample 17");
  with_nan.at(1, 17) = std::numeric_limits<float>::infinity();
  expect_invalid(with_nan, options, "non-finite sample at channel 1, sample 17");
  // Non-finite samples are caught while transforming, so also check the tail no segment covers:
  // 500 samples, nperseg 64, step 32: 14 segments cover [0, 480).
  with_nan = block;
  with_nan.at(0, 495) = -std::numeric_limits<float>::infinity();
  options.threads = 2;
  expect_invalid(with_nan, options, "non-finite sample at channel 0, sample 495");
}

TEST(Welch, NpersegEqualToSamplesIsOneSegment) {
  const SignalBlock block = eeg(1, 128.0, 1.0);
  WelchOptions options;
  options.nperseg = block.samples();
  const Psd psd = welch(block, options);
  EXPECT_EQ(psd.bins, block.samples() / 2 + 1);
  for (double v : psd.density) EXPECT_TRUE(std::isfinite(v) && v >= 0.0);
}

TEST(FftPlanCache, MakesOnePlanPerSizeAndReusesIt) {
  FftPlanCache cache(FFTW_ESTIMATE);
  const RealFft& first = cache.real_forward(1000);
  const RealFft& again = cache.real_forward(1000);
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(cache.plan_count(), 1u);
  cache.real_forward(999);
  EXPECT_EQ(cache.plan_count(), 2u);
  EXPECT_EQ(&cache.real_forward(1000), &first);  // still valid after another insertion

  // welch() through a caller-owned cache plans once for many calls.
  const SignalBlock block = eeg(2, 250.0, 4.0);
  WelchOptions options;
  options.nperseg = 250;
  options.plan_cache = &cache;
  welch(block, options);
  welch(block, options);
  EXPECT_EQ(cache.plan_count(), 3u);
}

// The transform itself, against a direct double-precision DFT (no FFTW involved), for an even
// and an odd size. Tolerance: float32 FFT error ~ eps32 * log2(n) * ||x||, so 1e-5 * ||x||_1.
TEST(FftPlanCache, RealForwardEqualsDirectDft) {
  FftPlanCache cache(FFTW_MEASURE);  // the non-default planner, which scribbles on arrays
  for (const std::size_t n : {64u, 999u}) {
    const RealFft& fft = cache.real_forward(n);
    auto in = make_real_buffer(n);
    auto out = make_complex_buffer(fft.bins());
    std::vector<double> x(n);
    double norm = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = std::sin(0.37 * static_cast<double>(i * i % 101)) + 0.25;
      in[i] = static_cast<float>(x[i]);
      x[i] = in[i];
      norm += std::abs(x[i]);
    }
    fft.execute(in.get(), out.get());
    for (std::size_t k = 0; k < fft.bins(); ++k) {
      std::complex<double> sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        sum += x[i] * std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k * i % n) /
                                          static_cast<double>(n));
      }
      EXPECT_NEAR(out[k][0], sum.real(), 1e-5 * norm) << "n " << n << " bin " << k;
      EXPECT_NEAR(out[k][1], sum.imag(), 1e-5 * norm) << "n " << n << " bin " << k;
    }
  }
}

TEST(FftPlanCache, RefusesBuffersWithAnotherAlignment) {
  FftPlanCache cache(FFTW_ESTIMATE);
  const RealFft& fft = cache.real_forward(64);
  auto in = make_real_buffer(65);
  auto out = make_complex_buffer(fft.bins());
  EXPECT_THROW(fft.execute(in.get() + 1, out.get()), std::logic_error);
  EXPECT_THROW(cache.real_forward(0), InvalidArgument);
}

// Several threads planning and executing different shapes at once, on a fresh cache (so the
// planner really runs concurrently), give exactly what serial calls give with the same plans.
TEST(FftPlanCache, ConcurrentWelchEqualsSerial) {
  FftPlanCache cache;
  const std::vector<std::size_t> npersegs{128, 250, 256, 311, 500, 512, 1000, 1024};
  const SignalBlock block = eeg(3, 1000.0, 6.0);
  std::vector<Psd> concurrent(npersegs.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < npersegs.size(); ++t) {
      threads.emplace_back([&, t] {
        WelchOptions options;
        options.nperseg = npersegs[t];
        options.plan_cache = &cache;
        for (int repeat = 0; repeat < 3; ++repeat) concurrent[t] = welch(block, options);
      });
    }
  }
  EXPECT_EQ(cache.plan_count(), npersegs.size());
  for (std::size_t t = 0; t < npersegs.size(); ++t) {
    WelchOptions options;
    options.nperseg = npersegs[t];
    options.plan_cache = &cache;
    EXPECT_EQ(welch(block, options).density, concurrent[t].density) << npersegs[t];
  }
}

}  // namespace
}  // namespace neuro::dsp
