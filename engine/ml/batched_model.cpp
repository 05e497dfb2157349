#include "engine/ml/batched_model.hpp"

#include <ATen/ATen.h>

namespace neuro::ml {

BatchedModel::BatchedModel(const Model& model, MicroBatcherOptions options)
    : model_(model), batcher_(options, [this](std::vector<at::Tensor>& examples) {
        const auto logits = model_.predict(at::stack(examples));
        // Rows are views of the batch result: no copy, the storage lives while any row does.
        return logits.unbind(0);
      }) {}

std::future<at::Tensor> BatchedModel::submit(const at::Tensor& example) {
  model_.check_input(example.defined() ? example.unsqueeze(0) : example);
  return batcher_.submit(example);
}

std::vector<std::future<at::Tensor>> BatchedModel::submit_all(std::vector<at::Tensor> examples) {
  for (const auto& e : examples) model_.check_input(e.defined() ? e.unsqueeze(0) : e);
  return batcher_.submit_all(std::move(examples));
}

}  // namespace neuro::ml
