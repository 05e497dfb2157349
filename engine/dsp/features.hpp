// Per-channel EEG features: band powers and spectral entropy from the Welch PSD, Hjorth
// parameters and line length from the samples. Each is defined below the way the Python
// reference (fixtures/golden/reference_features.py) computes it with numpy.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/welch.hpp"

namespace neuro::dsp {

struct FeatureOptions {
  WelchOptions welch;  // nperseg, threads, plan cache
  // Bands must lie in [0, Nyquist] and hold at least one PSD bin; the span must outlive the call.
  std::span<const FrequencyBand> bands = kEegBands;
  FrequencyBand total_range = kEegTotalRange;  // denominator of relative powers; entropy range
};

// All powers are in signal units squared (uV^2 for EEG). psd = welch(block, options.welch),
// f = psd.frequencies_hz, df = f[1] - f[0], and "bins of a band" = k with low <= f[k] < high.
struct ChannelFeatures {
  // Rectangle rule: df * sum of psd over the bins of bands[b]; one value per band.
  std::vector<double> band_power_uv2;
  // band_power_uv2[b] / total_power_uv2; 0 when total_power_uv2 is 0 (a flat channel).
  std::vector<double> relative_band_power;
  // df * sum of psd over the bins of total_range.
  double total_power_uv2 = 0.0;
  // Normalized Shannon entropy over the N bins of total_range: p = psd / sum(psd),
  // -sum(p ln p) / ln(N), with 0 ln 0 = 0; in [0, 1]. 0 when N == 1 or the power is 0.
  double spectral_entropy = 0.0;
  // Hjorth, with dx = np.diff(x), ddx = np.diff(dx) and population variances (ddof = 0), per
  // sample (not scaled by fs): activity = var(x), mobility = sqrt(var(dx) / var(x)),
  // complexity = sqrt(var(ddx) / var(dx)) / mobility. mobility is 0 when var(x) is 0 and
  // complexity is 0 when var(dx) is 0 (numpy would give NaN for a flat channel).
  double activity_uv2 = 0.0;
  double mobility = 0.0;
  double complexity = 0.0;
  // sum |dx|, not normalized by length or duration.
  double line_length_uv = 0.0;
};

// One entry per channel. Throws base::InvalidArgument ("compute_features: ...") for what
// welch() rejects, fewer than 3 samples (complexity needs ddx), or a bad band or total range.
std::vector<ChannelFeatures> compute_features(const common::SignalBlock& block,
                                              const FeatureOptions& options);

}  // namespace neuro::dsp
