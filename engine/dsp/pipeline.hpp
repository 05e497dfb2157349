// The engine's per-block processing chain, the one the server runs on every upload and the
// benchmark measures as a whole: zero-phase band-pass (optionally with a line-noise notch) ->
// artifact removal -> per-channel features.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/artifacts.hpp"
#include "engine/dsp/features.hpp"
#include "engine/dsp/zero_phase.hpp"

namespace neuro::dsp {

struct PipelineOptions {
  int filter_order = kDefaultOrder;
  double low_hz = kDefaultLowHz;
  double high_hz = kDefaultHighHz;
  double notch_hz = 0.0;  // 0: no notch; 50 or 60 to add iirnotch(notch_hz, notch_quality)
  double notch_quality = 30.0;
  ArtifactOptions artifacts;
  // Welch segment length; 0 means one second of samples (1 Hz bins, the resolution the delta
  // band needs), capped at the block length. Overrides features.welch.nperseg.
  std::size_t nperseg = 0;
  FeatureOptions features;
  int threads = 1;  // used by every stage
};

struct PipelineResult {
  common::SignalBlock cleaned;  // filtered, bad channels repaired, transients clipped
  ArtifactReport artifacts;
  std::vector<ChannelFeatures> features;
};

class Pipeline {
 public:
  // Designs the filter for this rate once. Throws InvalidArgument for a band or notch the rate
  // cannot hold, or threads < 1.
  Pipeline(const PipelineOptions& options, double sample_rate_hz);

  // Throws InvalidArgument when the block's rate differs from the pipeline's, or for anything a
  // stage rejects (the message names the stage).
  PipelineResult run(const common::SignalBlock& raw) const;
  // The same, reusing `result`'s buffers (no allocation for the cleaned block after the first).
  void run(const common::SignalBlock& raw, PipelineResult& result) const;

  const ZeroPhaseFilter& filter() const noexcept { return filter_; }

 private:
  PipelineOptions options_;
  double sample_rate_hz_;
  ZeroPhaseFilter filter_;
};

}  // namespace neuro::dsp
