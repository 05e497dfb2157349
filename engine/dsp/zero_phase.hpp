// Zero-phase band-pass filtering equal to scipy.signal.sosfiltfilt with its defaults: odd
// extension of 3 * (2 * sections + 1) samples at each end (fewer when sections have trailing
// zero coefficients, as scipy counts), steady-state initial conditions (sosfilt_zi) scaled by
// the first value, a forward and a backward pass, and the extension cut off again.
#pragma once

#include <cstddef>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/filter_design.hpp"
#include "engine/dsp/sos_filter.hpp"

namespace neuro::dsp {

class ZeroPhaseFilter {
 public:
  // Throws InvalidArgument for empty or malformed sections.
  explicit ZeroPhaseFilter(const SosCoefficients& sos);

  // Samples of odd extension added at each end (scipy's `padlen`/`edge`).
  std::size_t padlen() const noexcept { return padlen_; }

  // Filters every channel of `in` into `out` (reshaped when its shape differs; may be the same
  // block as `in`). Channels are processed kLanes at a time, groups spread over `threads`.
  // Throws InvalidArgument for an empty block, samples <= padlen() (scipy's condition), or a
  // channel holding NaN/infinity (found from the filter state, without an extra pass).
  void apply(const common::SignalBlock& in, common::SignalBlock& out, int threads = 1) const;
  common::SignalBlock apply(const common::SignalBlock& in, int threads = 1) const;

 private:
  void filter_group(const common::SignalBlock& in, common::SignalBlock& out,
                    std::size_t first_channel) const;

  SosKernel kernel_;
  std::size_t padlen_;
};

// The default EEG pre-processing band: 0.5-50 Hz, order 4.
inline constexpr double kDefaultLowHz = 0.5;
inline constexpr double kDefaultHighHz = 50.0;
inline constexpr int kDefaultOrder = 4;

}  // namespace neuro::dsp
