// Welch PSD: per-thread scratch, per-segment detrend + window fused into the copy, float32 FFT,
// |X|^2 accumulated in double.
#include "engine/dsp/welch.hpp"

#include <climits>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {
namespace {

// "0.5" rather than std::to_string's "0.500000".
std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

namespace detail {

void validate_welch(const common::SignalBlock& block, const WelchOptions& options,
                    std::string_view function) {
  const std::string where(function);
  if (block.empty()) {
    throw base::InvalidArgument(where + ": empty block (" + std::to_string(block.channels()) +
                                " channels x " + std::to_string(block.samples()) + " samples)");
  }
  if (options.nperseg < 2 || options.nperseg > block.samples() || options.nperseg > INT_MAX) {
    throw base::InvalidArgument(where + ": nperseg = " + std::to_string(options.nperseg) +
                                " must be in [2, samples = " + std::to_string(block.samples()) +
                                "]");
  }
  if (options.threads < 1) {
    throw base::InvalidArgument(where + ": threads = " + std::to_string(options.threads) +
                                " must be >= 1");
  }
}

void throw_non_finite(const common::SignalBlock& block, std::string_view function) {
  const std::size_t bad = block.first_non_finite();
  if (bad == block.size()) {
    // Finite samples whose differences overflow float (|x| near 3e38).
    throw base::InvalidArgument(std::string(function) +
                                ": sample magnitudes overflow float32 arithmetic");
  }
  throw base::InvalidArgument(std::string(function) + ": non-finite sample at channel " +
                              std::to_string(bad / block.samples()) + ", sample " +
                              std::to_string(bad % block.samples()));
}

std::size_t welch_segment_count(std::size_t samples, std::size_t nperseg) {
  const std::size_t step = nperseg - nperseg / 2;
  return (samples - nperseg) / step + 1;
}

std::vector<double> rfft_frequencies_hz(std::size_t nfft, double sample_rate_hz) {
  // The same operations as numpy.fft.rfftfreq(nfft, 1 / fs), so band edges that fall exactly on
  // a bin classify that bin the same way scipy's frequencies do.
  const double step_hz = 1.0 / (static_cast<double>(nfft) * (1.0 / sample_rate_hz));
  std::vector<double> frequencies(nfft / 2 + 1);
  for (std::size_t k = 0; k < frequencies.size(); ++k) {
    frequencies[k] = static_cast<double>(k) * step_hz;
  }
  return frequencies;
}

std::vector<double> periodic_hann(std::size_t size) {
  std::vector<double> window(size);
  for (std::size_t i = 0; i < size; ++i) {
    window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                     static_cast<double>(size));
  }
  return window;
}

BinRange band_bins(std::span<const double> frequencies_hz, const FrequencyBand& band,
                   std::string_view function) {
  const auto fail = [&](const std::string& why) {
    throw base::InvalidArgument(std::string(function) + ": band '" + std::string(band.name) +
                                "' [" + format_number(band.low_hz) + ", " +
                                format_number(band.high_hz) + ") Hz: " + why);
  };
  if (!std::isfinite(band.low_hz) || !std::isfinite(band.high_hz)) {
    fail("edges must be finite");
  }
  if (band.low_hz < 0.0 || band.low_hz >= band.high_hz) {
    fail("need 0 <= low < high");
  }
  const double nyquist_hz = frequencies_hz.back();
  if (band.high_hz > nyquist_hz) {
    fail("high edge is above Nyquist (" + format_number(nyquist_hz) + " Hz)");
  }
  BinRange range;
  while (range.begin < frequencies_hz.size() && frequencies_hz[range.begin] < band.low_hz) {
    ++range.begin;
  }
  range.end = range.begin;
  while (range.end < frequencies_hz.size() && frequencies_hz[range.end] < band.high_hz) {
    ++range.end;
  }
  if (range.size() == 0) {
    fail("holds no PSD bin at " + format_number(frequencies_hz[1]) +
         " Hz resolution (raise nperseg)");
  }
  return range;
}

FftPlanCache& plan_cache(const WelchOptions& options) {
  return options.plan_cache != nullptr ? *options.plan_cache : FftPlanCache::process_default();
}

WelchSetup make_welch_setup(const common::SignalBlock& block, const WelchOptions& options,
                            std::string_view function) {
  validate_welch(block, options, function);
  WelchSetup setup;
  setup.nperseg = options.nperseg;
  setup.step = options.nperseg - options.nperseg / 2;
  setup.fft = &plan_cache(options).real_forward(options.nperseg);
  const std::vector<double> window = periodic_hann(options.nperseg);
  double window_power = 0.0;
  for (double w : window) {
    window_power += w * w;
  }
  setup.density_scale = 1.0 / (block.sample_rate_hz() * window_power);
  setup.window.assign(window.begin(), window.end());
  for (std::size_t i = 0; i < window.size(); ++i) {
    const double w = setup.window[i];  // the float actually multiplied
    const double phase =
        -2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(window.size());
    setup.window_dft[0] += w;
    setup.window_dft[1] += std::polar(w, phase);
  }
  setup.frequencies_hz = rfft_frequencies_hz(options.nperseg, block.sample_rate_hz());
  return setup;
}

SegmentSpectrum::SegmentSpectrum(const WelchSetup& setup)
    : setup_(setup),
      in_(make_real_buffer(setup.nperseg)),
      out_(make_complex_buffer(setup.fft->bins())) {}

// Detrending by linearity: with r = x[0] and d = x - r, rfft((d - mean(d)) w) = rfft(d w) -
// mean(d) rfft(w), and rfft(w) of a periodic Hann window is zero beyond bin 1. So one float pass
// (subtract, multiply, sum) feeds the FFT, and two bins are corrected in double afterwards.
// Subtracting a sample of the segment keeps d at the signal's scale whatever the DC offset, so
// float32 loses nothing to the offset; a NaN or infinity makes the sum non-finite.
const fftwf_complex* SegmentSpectrum::transform(const float* x) {
  const std::size_t size = setup_.nperseg;
  const float* window = setup_.window.data();
  float* in = in_.get();
  const float reference = x[0];
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < size; ++i) {
    const float d = x[i] - reference;
    in[i] = d * window[i];
    sum += d;
  }
  if (!std::isfinite(sum)) {
    saw_non_finite_ = true;
  }
  fftwf_complex* out = out_.get();
  setup_.fft->execute(in, out);
  const double mean = static_cast<double>(sum) / static_cast<double>(size);
  for (int k = 0; k < 2; ++k) {
    out[k][0] = static_cast<float>(out[k][0] - mean * setup_.window_dft[k].real());
    out[k][1] = static_cast<float>(out[k][1] - mean * setup_.window_dft[k].imag());
  }
  return out;
}

void SegmentSpectrum::note_samples(std::span<const float> samples) noexcept {
  for (float v : samples) {
    if (!std::isfinite(v)) {
      saw_non_finite_ = true;
    }
  }
}

void welch_channel(SegmentSpectrum& spectrum, std::span<const float> x, double* density) {
  const WelchSetup& setup = spectrum.setup();
  const std::size_t bins = spectrum.bins();
  const std::size_t segments = welch_segment_count(x.size(), setup.nperseg);
  std::fill(density, density + bins, 0.0);
  for (std::size_t s = 0; s < segments; ++s) {
    const float* bin = spectrum.transform(x.data() + s * setup.step)[0];
#pragma omp simd
    for (std::size_t k = 0; k < bins; ++k) {
      const double re = bin[2 * k];
      const double im = bin[2 * k + 1];
      density[k] += re * re + im * im;
    }
  }
  const double scale = setup.density_scale / static_cast<double>(segments);
  density[0] *= scale;
  for (std::size_t k = 1; k < bins; ++k) {
    density[k] *= 2.0 * scale;
  }
  if (setup.nperseg % 2 == 0) {
    density[bins - 1] *= 0.5;  // Nyquist has no mirror image
  }
}

}  // namespace detail

Psd welch(const common::SignalBlock& block, const WelchOptions& options) {
  constexpr std::string_view kFunction = "welch";
  const detail::WelchSetup setup = detail::make_welch_setup(block, options, kFunction);
  Psd psd;
  psd.channels = block.channels();
  psd.bins = setup.fft->bins();
  psd.frequencies_hz = setup.frequencies_hz;
  psd.density.resize(psd.channels * psd.bins);
  detail::for_each_channel_spectrum(block, setup, options.threads, kFunction,
                                    [&](detail::SegmentSpectrum& spectrum, std::size_t c) {
                                      detail::welch_channel(spectrum, block.channel(c),
                                                            psd.density.data() + c * psd.bins);
                                    });
  return psd;
}

}  // namespace neuro::dsp
