// Features per channel, one pass over each channel while it is still in cache: Welch PSD, then
// the spectral features from that PSD row, then the time-domain features.
#include "engine/dsp/features.hpp"

#include <cmath>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {
namespace {

constexpr std::string_view kFunction = "compute_features";

struct TimeFeatures {
  double activity_uv2;
  double mobility;
  double complexity;
  double line_length_uv;
};

double ratio_or_zero(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : 0.0;
}

// Population variance from a sum and a sum of squares of `count` values.
double variance(double sum, double sum_squares, double count) {
  const double mean = sum / count;
  return std::max(0.0, sum_squares / count - mean * mean);
}

// One pass, in double. x is shifted by x[0] first, so a DC offset does not cancel
// catastrophically in sum_squares / n - mean^2; differences of float32 samples are exact in
// double, as numpy's diff of the float64 copy is.
TimeFeatures time_features(std::span<const float> x) {
  const std::size_t n = x.size();
  const double x0 = x[0];
  double s1 = 0, s2 = 0, d1 = 0, d2 = 0, d_abs = 0, dd1 = 0, dd2 = 0;
#pragma omp simd reduction(+ : s1, s2, d1, d2, d_abs, dd1, dd2)
  for (std::size_t i = 0; i < n - 2; ++i) {
    const double a = static_cast<double>(x[i]) - x0;
    const double d = static_cast<double>(x[i + 1]) - static_cast<double>(x[i]);
    const double d_next = static_cast<double>(x[i + 2]) - static_cast<double>(x[i + 1]);
    const double dd = d_next - d;
    s1 += a;
    s2 += a * a;
    d1 += d;
    d2 += d * d;
    d_abs += std::abs(d);
    dd1 += dd;
    dd2 += dd * dd;
  }
  // The tail the loop leaves: x[n-2], x[n-1] and dx[n-2].
  for (std::size_t i = n - 2; i < n; ++i) {
    const double a = static_cast<double>(x[i]) - x0;
    s1 += a;
    s2 += a * a;
  }
  const double d_last = static_cast<double>(x[n - 1]) - static_cast<double>(x[n - 2]);
  d1 += d_last;
  d2 += d_last * d_last;
  d_abs += std::abs(d_last);

  const double var_x = variance(s1, s2, static_cast<double>(n));
  const double var_dx = variance(d1, d2, static_cast<double>(n - 1));
  const double var_ddx = variance(dd1, dd2, static_cast<double>(n - 2));
  TimeFeatures result{};
  result.activity_uv2 = var_x;
  result.mobility = std::sqrt(ratio_or_zero(var_dx, var_x));
  result.complexity =
      result.mobility > 0.0 ? std::sqrt(ratio_or_zero(var_ddx, var_dx)) / result.mobility : 0.0;
  result.line_length_uv = d_abs;
  return result;
}

void spectral_features(std::span<const double> density, double df_hz,
                       std::span<const detail::BinRange> bands, detail::BinRange total,
                       ChannelFeatures& out) {
  double total_sum = 0.0;
  for (std::size_t k = total.begin; k < total.end; ++k) {
    total_sum += density[k];
  }
  out.total_power_uv2 = total_sum * df_hz;
  out.band_power_uv2.resize(bands.size());
  out.relative_band_power.resize(bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    double sum = 0.0;
    for (std::size_t k = bands[b].begin; k < bands[b].end; ++k) {
      sum += density[k];
    }
    out.band_power_uv2[b] = sum * df_hz;
    out.relative_band_power[b] = ratio_or_zero(sum, total_sum);
  }
  double entropy_nats = 0.0;
  if (total_sum > 0.0 && total.size() > 1) {
    for (std::size_t k = total.begin; k < total.end; ++k) {
      const double p = density[k] / total_sum;
      if (p > 0.0) {
        entropy_nats -= p * std::log(p);
      }
    }
    entropy_nats /= std::log(static_cast<double>(total.size()));
  }
  out.spectral_entropy = entropy_nats;
}

}  // namespace

std::vector<ChannelFeatures> compute_features(const common::SignalBlock& block,
                                              const FeatureOptions& options) {
  const detail::WelchSetup setup = detail::make_welch_setup(block, options.welch, kFunction);
  if (block.samples() < 3) {
    throw base::InvalidArgument(std::string(kFunction) +
                                ": samples = " + std::to_string(block.samples()) +
                                " must be >= 3 (Hjorth complexity needs a second difference)");
  }
  std::vector<detail::BinRange> band_bins;
  for (const auto& band : options.bands) {
    band_bins.push_back(detail::band_bins(setup.frequencies_hz, band, kFunction));
  }
  const detail::BinRange total_bins =
      detail::band_bins(setup.frequencies_hz, options.total_range, kFunction);
  const double df_hz = setup.frequencies_hz[1] - setup.frequencies_hz[0];
  const std::size_t bins = setup.fft->bins();

  std::vector<ChannelFeatures> features(block.channels());
  // One PSD row per channel, not per thread: channels of one thread are few and 4 KiB each.
  std::vector<double> density(block.channels() * bins);
  detail::for_each_channel_spectrum(block, setup, options.welch.threads, kFunction,
                                    [&](detail::SegmentSpectrum& spectrum, std::size_t c) {
                                      const auto x = block.channel(c);
                                      const std::span<double> row(density.data() + c * bins, bins);
                                      detail::welch_channel(spectrum, x, row.data());
                                      ChannelFeatures& out = features[c];
                                      spectral_features(row, df_hz, band_bins, total_bins, out);
                                      const TimeFeatures time = time_features(x);
                                      out.activity_uv2 = time.activity_uv2;
                                      out.mobility = time.mobility;
                                      out.complexity = time.complexity;
                                      out.line_length_uv = time.line_length_uv;
                                    });
  return features;
}

}  // namespace neuro::dsp
