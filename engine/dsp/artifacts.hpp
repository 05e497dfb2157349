// Artifact removal: finds bad channels (flat, noisy, uncorrelated), rebuilds them from their good
// neighbours, then clips transients (blinks, pops) beyond k robust SDs, in place, with a report.
//
// The definition, which fixtures/golden/reference_artifacts.py implements independently in numpy.
// All statistics are taken in float64 of the float32 samples. For a vector v of n values:
//   median(v)    = the middle value, or the mean of the two middle values when n is even;
//   robust_sd(v) = 1.4826 * median(|v - median(v)|).
// For a block of C channels x N samples (C >= 2, N >= 2, every sample finite):
//  1. Per channel c: m_c = median(x_c), s_c = robust_sd(x_c).
//  2. Flat: s_c < flat_sd_uv. U = the channels that are not flat; fewer than 2 is an error.
//  3. Noisy (c in U): z_c = (s_c - median(s_U)) / robust_sd(s_U) > noisy_z. When robust_sd(s_U)
//     is 0 the z-score is undefined (NaN) and no channel is noisy.
//  4. Uncorrelated (c in U): the largest |Pearson r| between x_c and any other channel of U is
//     below min_correlation. The largest, not the median, as in PREP (Bigdely-Shamlo et al.
//     2015): a good electrode always has some well-correlated neighbour, while far-apart
//     electrodes of a large montage may correlate weakly with most others.
//  5. A channel is bad when any of the three holds (the report keeps every reason). No good
//     channel at all is an error.
//  6. Repair: each bad channel becomes the mean of its nearest good channel below and above in
//     channel-index (montage) order, or a copy of the one that exists at an edge; the mean is
//     rounded to float32, since that is what the block stores. Good channels are unchanged.
//  7. Transients: every channel (repaired ones with the statistics of their new samples) is
//     clipped to [m_c - clip_k * s_c, m_c + clip_k * s_c]; samples strictly outside count as
//     clipped. The bound written is the float32 nearest to the float64 bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/signal_block.hpp"

namespace neuro::dsp {

struct ArtifactOptions {
  double flat_sd_uv = 0.1;       // > 0; a 24-bit EEG amplifier's LSB is ~0.02 uV
  double noisy_z = 5.0;          // > 0
  double min_correlation = 0.4;  // in [0, 1]; 0 disables the correlation test
  double clip_k = 5.0;           // > 0, in robust SDs
  int threads = 1;               // >= 1; results are bit-identical for any count
};

// Why a channel is bad; a bit mask, so one channel can be both noisy and uncorrelated.
enum BadChannelReason : std::uint8_t {
  kFlat = 1,
  kNoisy = 2,
  kUncorrelated = 4,
};

struct ChannelArtifacts {
  std::uint8_t bad_reasons = 0;      // BadChannelReason bits; 0 for a good channel
  double median_uv = 0.0;            // of the input channel
  double robust_sd_uv = 0.0;         // of the input channel
  double noisy_z = 0.0;              // NaN for flat channels and when undefined (step 3)
  double max_abs_correlation = 0.0;  // NaN for flat channels
  std::optional<std::size_t> repaired_from_below;  // set for bad channels only
  std::optional<std::size_t> repaired_from_above;
  double clip_low_uv = 0.0;  // clip bounds used in step 7
  double clip_high_uv = 0.0;
  std::size_t clipped_samples = 0;
};

struct ArtifactReport {
  std::vector<ChannelArtifacts> channels;

  std::vector<std::size_t> bad_channels() const;
  std::size_t clipped_samples() const;
};

// "flat", "noisy+uncorrelated", ... ("good" for 0).
std::string bad_reason_names(std::uint8_t reasons);

// Cleans block in place as defined above. Throws base::InvalidArgument naming the parameter
// or the sample for bad options, an empty block, fewer than 2 channels or samples, a non-finite
// sample, fewer than 2 non-flat channels, or no good channel to repair from; block is then
// unchanged.
ArtifactReport remove_artifacts(common::SignalBlock& block, const ArtifactOptions& options = {});

}  // namespace neuro::dsp
