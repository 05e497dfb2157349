// The two built-in architectures as libtorch modules. Parameter names match the PyTorch
// definitions in fixtures/ml/reference_models.py, which the tests and the Python anchor load.
//   EEGNet-8,2 (Lawhern et al. 2018): temporal conv (F1 x 1 x K) -> BN -> depthwise spatial conv
//   (D per filter, over all channels) -> BN -> ELU -> avg pool 4 -> separable conv (depthwise
//   1 x 16 + pointwise) -> BN -> ELU -> avg pool 8 -> linear. K = 125 (half the 250 Hz rate, as
//   the paper sets it): 2 172 parameters for 8 channels x 250 samples and 4 classes.
//   EmotionNet: conv1d -> BN -> ELU -> max pool 4 -> conv1d -> ELU -> max pool 2 -> GRU -> linear.
#pragma once

#include <torch/nn.h>

#include <cstdint>

namespace neuro::ml {

struct EEGNetOptions {
  std::int64_t channels = 8;
  std::int64_t samples = 250;
  std::int64_t classes = 4;
  std::int64_t f1 = 8;        // temporal filters
  std::int64_t depth = 2;     // spatial filters per temporal filter (D)
  std::int64_t f2 = 16;       // separable conv filters
  std::int64_t kernel = 125;  // temporal kernel length (odd: symmetric 'same' padding)
  std::int64_t separable_kernel = 16;
  std::int64_t pool1 = 4;
  std::int64_t pool2 = 8;
};

class EEGNetImpl : public torch::nn::Module {
 public:
  explicit EEGNetImpl(const EEGNetOptions& options = {});
  // (B, 1, channels, samples) -> (B, classes).
  torch::Tensor forward(const torch::Tensor& x);
  // Everything after the first pooling: (B, F1 * D, 1, samples / pool1) -> (B, classes). The
  // fast path computes the first block its own way and hands over here.
  torch::Tensor forward_tail(const torch::Tensor& block1);

  const EEGNetOptions& options() const noexcept { return options_; }

  torch::nn::Conv2d temporal{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Conv2d spatial{nullptr};
  torch::nn::BatchNorm2d bn2{nullptr};
  torch::nn::Conv2d separable_depthwise{nullptr};
  torch::nn::Conv2d separable_pointwise{nullptr};
  torch::nn::BatchNorm2d bn3{nullptr};
  torch::nn::Linear classifier{nullptr};

 private:
  EEGNetOptions options_;
};
TORCH_MODULE(EEGNet);

struct EmotionNetOptions {
  std::int64_t channels = 8;
  std::int64_t samples = 250;
  std::int64_t classes = 3;
  std::int64_t conv1_filters = 16;
  std::int64_t conv2_filters = 32;
  std::int64_t hidden = 32;
};

class EmotionNetImpl : public torch::nn::Module {
 public:
  explicit EmotionNetImpl(const EmotionNetOptions& options = {});
  // (B, channels, samples) -> (B, classes).
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv1d conv1{nullptr};
  torch::nn::BatchNorm1d bn1{nullptr};
  torch::nn::Conv1d conv2{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(EmotionNet);

// Deterministic initialisation from `seed` with a generator of its own (libtorch's global one
// is left alone): weights uniform in +-1/sqrt(fan_in), biases likewise, batch-norm scales 1,
// shifts 0, running statistics 0 and 1. Also puts the module in eval mode.
void init_deterministic(torch::nn::Module& module, std::uint64_t seed);

}  // namespace neuro::ml
