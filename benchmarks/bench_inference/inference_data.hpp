// Shared by bench_inference's files: the models (seed 1, built and warmed once per process),
// synthetic EEG windows as model inputs, and the counters every inference benchmark reports.
#pragma once

#include <ATen/core/Tensor.h>
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "engine/base/latency_histogram.hpp"
#include "engine/ml/model.hpp"

namespace neuro::bench {

// "movement_decoder", "movement_decoder_fast", "emotion_classifier", or "torchscript" (the
// user's model from NEUROPERF_TORCHSCRIPT / NEUROPERF_TORCHSCRIPT_SHAPE).
const ml::Model& model_named(const std::string& name);

// (batch, sample_shape...) float32 made of synthetic EEG windows (8 ch x 250 samples at 250 Hz,
// one seed per window) when the model takes 8 x 250, random normal values otherwise.
at::Tensor model_input(const ml::Model& model, std::int64_t batch, std::uint64_t seed = 1);

// True under NEUROPERF_BENCH_SMOKE=1 (the smoke test: small work per iteration).
bool smoke();

// samples_per_second (examples per wall-clock second) and latency_p50/p95/p99/max_ms.
void set_inference_counters(benchmark::State& state, double examples,
                            const base::LatencyHistogram& latency);

}  // namespace neuro::bench
