#include "engine/ml/input.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::ml {
namespace {

void check_block(const common::SignalBlock& block, const Model& model, const std::string& what) {
  const auto& shape = model.sample_shape();
  // The block supplies the last two dimensions; any leading ones must be 1 (EEGNet's "image"
  // channel), so the block's memory is the whole example.
  bool ok = shape.size() >= 2 &&
            shape[shape.size() - 2] == static_cast<std::int64_t>(block.channels()) &&
            shape.back() == static_cast<std::int64_t>(block.samples());
  for (std::size_t i = 0; ok && i + 2 < shape.size(); ++i) ok = shape[i] == 1;
  if (!ok) {
    throw base::InvalidArgument(
        model.name() + ": " + what + " is " + std::to_string(block.channels()) + " channels x " +
        std::to_string(block.samples()) + " samples, the model takes " + shape_string(shape));
  }
}

std::vector<std::int64_t> with_batch(std::int64_t batch, const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> out{batch};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

}  // namespace

at::Tensor view_as_input(const common::SignalBlock& block, const Model& model) {
  check_block(block, model, "signal block");
  // from_blob wants a mutable pointer; predict() never writes to its input.
  return at::from_blob(const_cast<float*>(block.data()), with_batch(1, model.sample_shape()),
                       at::TensorOptions().dtype(at::kFloat));
}

at::Tensor batch_input(std::span<const common::SignalBlock> blocks, const Model& model) {
  if (blocks.empty()) throw base::InvalidArgument(model.name() + ": empty batch of blocks");
  auto batch = at::empty(with_batch(static_cast<std::int64_t>(blocks.size()), model.sample_shape()),
                         at::kFloat);
  float* out = batch.data_ptr<float>();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    check_block(blocks[i], model, "signal block " + std::to_string(i));
    out = std::copy_n(blocks[i].data(), blocks[i].size(), out);
  }
  return batch;
}

}  // namespace neuro::ml
