// A model behind the micro-batcher: callers submit one example and get its logits; concurrent
// examples run as one batch. What the server and the load scenarios use for single requests.
#pragma once

#include <ATen/core/Tensor.h>

#include <future>

#include "engine/ml/micro_batcher.hpp"
#include "engine/ml/model.hpp"

namespace neuro::ml {

class BatchedModel {
 public:
  // `model` must outlive this object.
  BatchedModel(const Model& model, MicroBatcherOptions options);

  // One example of the model's sample_shape() -> a future of its (classes) logits. Throws
  // common::InvalidArgument right away (not through the future) for a wrong shape or dtype.
  std::future<at::Tensor> submit(const at::Tensor& example);

  MicroBatcherStats stats() const { return batcher_.stats(); }

 private:
  const Model& model_;
  MicroBatcher<at::Tensor, at::Tensor> batcher_;
};

}  // namespace neuro::ml
