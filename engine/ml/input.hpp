// From the dsp's signal blocks to a model's input tensor. A block is channel-contiguous
// float32, which is exactly one example of (channels, samples) or (1, channels, samples): a
// single block becomes a tensor without a copy; a batch of blocks is copied once into a batch.
#pragma once

#include <ATen/core/Tensor.h>

#include <span>

#include "engine/common/signal_block.hpp"
#include "engine/ml/model.hpp"

namespace neuro::ml {

// A (1, sample_shape...) view of the block's samples (no copy): the block must outlive the
// tensor and not change while it is used. Throws base::InvalidArgument when the block's
// channels x samples does not fill the model's declared input (its last two dimensions).
at::Tensor view_as_input(const common::SignalBlock& block, const Model& model);

// (blocks.size(), sample_shape...) holding a copy of each block. Same checks, naming the block.
at::Tensor batch_input(std::span<const common::SignalBlock> blocks, const Model& model);

}  // namespace neuro::ml
