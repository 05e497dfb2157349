#include "engine/dsp/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/dsp/filter_design.hpp"

namespace neuro::dsp {
namespace {

SosCoefficients design(const PipelineOptions& o, double sample_rate_hz) {
  if (o.threads < 1) {
    throw base::InvalidArgument("pipeline: threads must be >= 1, got " + std::to_string(o.threads));
  }
  auto sos = butter_bandpass(o.filter_order, o.low_hz, o.high_hz, sample_rate_hz);
  if (o.notch_hz > 0.0) {
    const auto notch = iirnotch(o.notch_hz, o.notch_quality, sample_rate_hz);
    sos.insert(sos.end(), notch.begin(), notch.end());
  }
  return sos;
}

}  // namespace

Pipeline::Pipeline(const PipelineOptions& options, double sample_rate_hz)
    : options_(options), sample_rate_hz_(sample_rate_hz), filter_(design(options, sample_rate_hz)) {
  options_.artifacts.threads = options.threads;
  options_.features.welch.threads = options.threads;
}

PipelineResult Pipeline::run(const common::SignalBlock& raw) const {
  PipelineResult result;
  run(raw, result);
  return result;
}

void Pipeline::run(const common::SignalBlock& raw, PipelineResult& result) const {
  if (raw.sample_rate_hz() != sample_rate_hz_) {
    throw base::InvalidArgument(
        "pipeline: block sampled at " + std::to_string(raw.sample_rate_hz()) +
        " Hz, pipeline designed for " + std::to_string(sample_rate_hz_) + " Hz");
  }
  filter_.apply(raw, result.cleaned, options_.threads);
  result.artifacts = remove_artifacts(result.cleaned, options_.artifacts);
  FeatureOptions features = options_.features;
  features.welch.nperseg =
      options_.nperseg > 0
          ? options_.nperseg
          : std::min(raw.samples(), static_cast<std::size_t>(std::lround(sample_rate_hz_)));
  result.features = compute_features(result.cleaned, features);
}

}  // namespace neuro::dsp
