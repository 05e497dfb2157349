// Causal filtering of a live stream, packet by packet, carrying each channel's filter state
// across packets: filtering a signal in 100 ms packets equals scipy.signal.sosfilt over the
// whole signal (zero initial state, or steady state for the first sample when primed).
#pragma once

#include <cstddef>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/filter_design.hpp"
#include "engine/dsp/sos_filter.hpp"

namespace neuro::dsp {

class StreamingFilter {
 public:
  // Throws InvalidArgument for malformed sections or zero channels.
  StreamingFilter(const SosCoefficients& sos, std::size_t channels);

  enum class Start {
    kZero,         // zero state, as sosfilt(sos, x): the output rises from 0
    kSteadyState,  // sosfilt_zi scaled by each channel's first sample: no start-up transient
  };

  // Filters one packet (channels x any number of samples) into `out` (reshaped if needed; may
  // be `in`). Throws InvalidArgument on a channel-count mismatch, and when a packet carries NaN
  // or infinity: those channels' state is reset (the stream recovers) and the error names them.
  void process(const common::SignalBlock& in, common::SignalBlock& out);

  // Forget the past: the next packet starts as the first did.
  void reset(Start start = Start::kZero);

  std::size_t channels() const noexcept { return channels_; }

 private:
  void process_group(const common::SignalBlock& in, common::SignalBlock& out, std::size_t group,
                     std::vector<std::size_t>& bad_channels);

  SosKernel kernel_;
  std::size_t channels_;
  Start start_ = Start::kZero;
  bool started_ = false;
  std::vector<Lanes> state_;    // groups x 2 * sections
  std::vector<Lanes> scratch_;  // one packet, between passes of more than kSectionsPerPass
};

}  // namespace neuro::dsp
