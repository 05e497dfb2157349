// Connectivity between channels: the Pearson correlation matrix (np.corrcoef) and
// magnitude-squared coherence (scipy.signal.coherence) averaged over frequency bands.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/welch.hpp"

namespace neuro::dsp {

// channels x channels, equal to np.corrcoef(x) of the float32 samples taken as float64. Entries
// of a zero-variance channel are 0 off the diagonal (numpy gives NaN); the diagonal is 1.
// Single-threaded: accumulates the covariance in double over chunks of samples (bounded memory).
// Throws base::InvalidArgument ("correlation_matrix: ...") for fewer than 2 samples, no
// channels or a non-finite sample.
Eigen::MatrixXd correlation_matrix(const common::SignalBlock& block);

struct CoherenceOptions {
  WelchOptions welch;  // nperseg, threads (over channels, then over channel pairs), plan cache
  // Same rules as FeatureOptions::bands; the span must outlive the call.
  std::span<const FrequencyBand> bands = kEegBands;
};

// Coherence per band. For channels x, y with Welch segment spectra X_s, Y_s (as in welch.hpp):
// C[k] = |sum_s X_s[k] conj(Y_s[k])|^2 / (sum_s |X_s[k]|^2 * sum_s |Y_s[k]|^2), which is
// scipy.signal.coherence(x, y, fs, window='hann', nperseg, noverlap=nperseg // 2) (the density
// scale and the one-sided factor cancel); C[k] = 0 where either power is 0. The band value is
// the mean of C[k] over the band's bins (low <= f[k] < high).
struct BandCoherence {
  std::vector<FrequencyBand> bands;  // copies of options.bands (names view the caller's strings)
  std::size_t channels = 0;
  // One symmetric channels x channels matrix per band, diagonal 1.
  std::vector<Eigen::MatrixXd> matrices;
};

// Each channel's segment spectra are computed once (only the bins the bands use are kept) and
// reused for every pair. Throws base::InvalidArgument ("band_coherence: ...") as welch() and
// compute_features() do for bad input and bands.
BandCoherence band_coherence(const common::SignalBlock& block, const CoherenceOptions& options);

}  // namespace neuro::dsp
