#include "benchmarks/bench_inference/inference_data.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/ml/decoders.hpp"
#include "engine/ml/eegnet_fast.hpp"
#include "engine/ml/input.hpp"
#include "engine/ml/torchscript_model.hpp"

namespace neuro::bench {
namespace {

struct Models {
  ml::MovementDecoder movement{1};
  ml::EmotionClassifier emotion{1};
  ml::FastMovementDecoder fast{movement};
  std::unique_ptr<ml::TorchScriptModel> user;
};

Models& models() {
  static Models* instance = [] {
    // Lives for the process (benchmarks run until exit): never freed, so never owned.
    auto* m = new Models();  // NOLINT(cppcoreguidelines-owning-memory)
    if (const char* path = std::getenv("NEUROPERF_TORCHSCRIPT"); path && *path) {
      const char* shape = std::getenv("NEUROPERF_TORCHSCRIPT_SHAPE");
      m->user = std::make_unique<ml::TorchScriptModel>(
          path, ml::parse_shape(shape ? shape : "", "NEUROPERF_TORCHSCRIPT_SHAPE"));
    }
    return m;
  }();
  return *instance;
}

}  // namespace

const ml::Model& model_named(const std::string& name) {
  auto& m = models();
  if (name == "movement_decoder") return m.movement;
  if (name == "movement_decoder_fast") return m.fast;
  if (name == "emotion_classifier") return m.emotion;
  if (name == "torchscript" && m.user) return *m.user;
  throw base::InvalidArgument("bench_inference: no model '" + name + "'");
}

at::Tensor model_input(const ml::Model& model, std::int64_t batch, std::uint64_t seed) {
  const auto& shape = model.sample_shape();
  const bool eeg = shape.size() >= 2 && shape[shape.size() - 2] == 8 && shape.back() == 250;
  if (!eeg) {
    std::vector<std::int64_t> full{batch};
    full.insert(full.end(), shape.begin(), shape.end());
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::randn(full, generator, at::kFloat);
  }
  std::vector<common::SignalBlock> blocks;
  for (std::int64_t i = 0; i < batch; ++i) {
    blocks.push_back(
        common::make_synthetic_eeg(8, 250.0, 1.0, seed + static_cast<std::uint64_t>(i)));
  }
  return ml::batch_input(blocks, model);
}

bool smoke() {
  const char* value = std::getenv("NEUROPERF_BENCH_SMOKE");
  return value && std::string(value) == "1";
}

void set_inference_counters(benchmark::State& state, double examples,
                            const base::LatencyHistogram& latency) {
  state.counters["samples_per_second"] = benchmark::Counter(examples, benchmark::Counter::kIsRate);
  set_latency_counters(state, latency, "latency");
}

}  // namespace neuro::bench
