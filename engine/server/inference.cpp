#include "engine/server/inference.hpp"

#include <torch/torch.h>

#include "engine/ml/batched_model.hpp"
#include "engine/ml/decoders.hpp"
#include "engine/server/api_error.hpp"

namespace neuro::server {

struct Inference::Impl {
  ml::MovementDecoder movement{1};
  ml::EmotionClassifier emotion{1};
  ml::BatchedModel movement_batched{movement, {64, std::chrono::microseconds(2000)}};
  ml::BatchedModel emotion_batched{emotion, {64, std::chrono::microseconds(2000)}};
};

Inference::Inference() : impl_(std::make_unique<Impl>()) {}
Inference::~Inference() = default;

std::size_t Inference::example_size(const std::string& model) const {
  if (model != "movement" && model != "emotion") return 0;
  return 8 * 250;
}

nlohmann::json Inference::predict(const std::string& model, std::span<const float> values) {
  const bool movement = model == "movement";
  ml::Model& m =
      movement ? static_cast<ml::Model&>(impl_->movement) : static_cast<ml::Model&>(impl_->emotion);
  ml::BatchedModel& batched = movement ? impl_->movement_batched : impl_->emotion_batched;
  const std::size_t per = example_size(model);
  std::vector<at::Tensor> examples;
  for (std::size_t i = 0; i + per <= values.size(); i += per) {
    examples.push_back(
        torch::from_blob(const_cast<float*>(values.data() + i), m.sample_shape(), torch::kFloat32)
            .clone());
  }
  // One caller: its examples leave in the next batch as soon as they are all queued.
  auto futures = batched.submit_all(std::move(examples));
  nlohmann::json predictions = nlohmann::json::array();
  for (auto& f : futures) {
    const at::Tensor logits = f.get().reshape({-1});
    const at::Tensor p = torch::softmax(logits, 0).contiguous();
    std::vector<float> probabilities(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    predictions.push_back(
        {{"class", logits.argmax().item<std::int64_t>()}, {"probabilities", probabilities}});
  }
  return {{"model", model},
          {"predictions", std::move(predictions)},
          {"batches_total", batched.stats().batches}};
}

}  // namespace neuro::server
