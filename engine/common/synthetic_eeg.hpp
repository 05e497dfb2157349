// Deterministic synthetic EEG: the same options and seed give the same block, bit for bit, on
// the same platform. Components (all in microvolts):
//   - 1/f ("pink") background, part shared by all channels (volume conduction) and part own;
//   - an alpha rhythm whose amplitude drifts slowly, strongest on the last (posterior) channels;
//   - 50/60 Hz line noise;
//   - blinks: ~300 ms Gaussian bumps at Poisson times, strongest on the first (frontal) channels;
//   - muscle bursts: ~300 ms of broadband noise at Poisson times on the last quarter of channels;
//   - an optional DC offset (electrode drift), which stresses filters with poles near z = 1.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/common/device_profiles.hpp"
#include "engine/common/signal_block.hpp"

namespace neuro::common {

struct SyntheticEegOptions {
  std::size_t channels = 8;
  double sample_rate_hz = 250.0;
  double duration_s = 10.0;
  std::uint64_t seed = 1;
  double background_uv = 10.0;   // RMS of the 1/f background per channel
  double shared_fraction = 0.6;  // variance share of the background common to all channels
  double alpha_hz = 10.0;
  double alpha_uv = 8.0;
  double line_hz = 50.0;  // 50 (Europe) or 60 (Americas); 0 disables
  double line_uv = 3.0;
  double blinks_per_minute = 10.0;
  double blink_uv = 120.0;
  double muscle_bursts_per_minute = 4.0;
  double muscle_uv = 20.0;
  double dc_offset_uv = 0.0;
};

// Options for a device profile (its channels and rate), everything else default.
SyntheticEegOptions options_for(const DeviceProfile& profile, double duration_s,
                                std::uint64_t seed = 1);

// Throws base::InvalidArgument for zero channels, a non-positive rate or duration, or a line
// frequency at or above Nyquist.
SignalBlock make_synthetic_eeg(const SyntheticEegOptions& options);

// Shorthand: this shape and seed, every component at its default.
SignalBlock make_synthetic_eeg(std::size_t channels, double sample_rate_hz, double duration_s,
                               std::uint64_t seed = 1);

}  // namespace neuro::common
