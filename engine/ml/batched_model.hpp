// A model behind the micro-batcher: callers submit one example and get its logits; concurrent
// examples run as one batch. What the server and the load scenarios use for single requests.
#pragma once

#include <ATen/core/Tensor.h>

#include <future>
#include <vector>

#include "engine/ml/micro_batcher.hpp"
#include "engine/ml/model.hpp"

namespace neuro::ml {

class BatchedModel {
 public:
  // `model` must outlive this object.
  BatchedModel(const Model& model, MicroBatcherOptions options);

  // One example of the model's sample_shape() -> a future of its (classes) logits. Throws
  // base::InvalidArgument right away (not through the future) for a wrong shape or dtype.
  std::future<at::Tensor> submit(const at::Tensor& example);
  // Several examples of one caller: checked first (a bad one throws, nothing is queued), then
  // queued together, so the batch leaves as soon as they are all in.
  std::vector<std::future<at::Tensor>> submit_all(std::vector<at::Tensor> examples);

  MicroBatcherStats stats() const { return batcher_.stats(); }

 private:
  const Model& model_;
  MicroBatcher<at::Tensor, at::Tensor> batcher_;
};

}  // namespace neuro::ml
