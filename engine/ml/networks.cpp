#include "engine/ml/networks.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::ml {

namespace nn = torch::nn;

EEGNetImpl::EEGNetImpl(const EEGNetOptions& o) : options_(o) {
  if (o.kernel % 2 == 0) {
    // 'same' padding of an even kernel is asymmetric; forward() and the fast path assume odd.
    throw base::InvalidArgument("EEGNet: temporal kernel " + std::to_string(o.kernel) +
                                " must be odd");
  }
  const auto f1d = o.f1 * o.depth;
  temporal = register_module(
      "temporal",
      nn::Conv2d(nn::Conv2dOptions(1, o.f1, {1, o.kernel}).padding(torch::kSame).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(o.f1));
  spatial = register_module(
      "spatial",
      nn::Conv2d(nn::Conv2dOptions(o.f1, f1d, {o.channels, 1}).groups(o.f1).bias(false)));
  bn2 = register_module("bn2", nn::BatchNorm2d(f1d));
  separable_depthwise = register_module(
      "separable_depthwise", nn::Conv2d(nn::Conv2dOptions(f1d, f1d, {1, o.separable_kernel})
                                            .padding(torch::kSame)
                                            .groups(f1d)
                                            .bias(false)));
  separable_pointwise = register_module("separable_pointwise",
                                        nn::Conv2d(nn::Conv2dOptions(f1d, o.f2, 1).bias(false)));
  bn3 = register_module("bn3", nn::BatchNorm2d(o.f2));
  classifier =
      register_module("classifier", nn::Linear(o.f2 * (o.samples / o.pool1 / o.pool2), o.classes));
}

torch::Tensor EEGNetImpl::forward(const torch::Tensor& x) {
  auto y = bn2(spatial(bn1(temporal(x))));
  y = torch::avg_pool2d(torch::elu(y), {1, options_.pool1});
  // Dropout layers of the paper are identity at inference and carry no parameters: omitted.
  return forward_tail(y);
}

torch::Tensor EEGNetImpl::forward_tail(const torch::Tensor& block1) {
  auto y = bn3(separable_pointwise(separable_depthwise(block1)));
  y = torch::avg_pool2d(torch::elu(y), {1, options_.pool2});
  return classifier(y.flatten(1));
}

EmotionNetImpl::EmotionNetImpl(const EmotionNetOptions& o) {
  conv1 = register_module("conv1",
                          nn::Conv1d(nn::Conv1dOptions(o.channels, o.conv1_filters, 7).padding(3)));
  bn1 = register_module("bn1", nn::BatchNorm1d(o.conv1_filters));
  conv2 = register_module(
      "conv2", nn::Conv1d(nn::Conv1dOptions(o.conv1_filters, o.conv2_filters, 5).padding(2)));
  gru =
      register_module("gru", nn::GRU(nn::GRUOptions(o.conv2_filters, o.hidden).batch_first(true)));
  classifier = register_module("classifier", nn::Linear(o.hidden, o.classes));
}

torch::Tensor EmotionNetImpl::forward(const torch::Tensor& x) {
  auto y = torch::max_pool1d(torch::elu(bn1(conv1(x))), 4);
  y = torch::max_pool1d(torch::elu(conv2(y)), 2);
  // (B, features, time) -> (B, time, features) for the batch-first GRU; the last hidden state
  // summarises the window.
  const auto h_n = std::get<1>(gru(y.transpose(1, 2)));
  return classifier(h_n.select(0, h_n.size(0) - 1));
}

void init_deterministic(torch::nn::Module& module, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::NoGradGuard no_grad;
  for (auto& sub : module.modules(/*include_self=*/true)) {
    const bool is_norm = dynamic_cast<nn::BatchNorm1dImpl*>(sub.get()) ||
                         dynamic_cast<nn::BatchNorm2dImpl*>(sub.get());
    for (auto& p : sub->named_parameters(/*recurse=*/false)) {
      auto& t = p.value();
      if (is_norm) {
        t.fill_(p.key() == "weight" ? 1.0 : 0.0);
        continue;
      }
      // fan_in of a weight is every dimension but the first; a bias (or a GRU bias) takes its
      // module's weight fan-in, approximated by its own length for vectors.
      std::int64_t fan_in = t.dim() > 1 ? t.numel() / t.size(0) : t.numel();
      const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<std::int64_t>(fan_in, 1)));
      t.uniform_(-bound, bound, generator);
    }
    if (is_norm) {
      for (auto& b : sub->named_buffers(/*recurse=*/false)) {
        if (b.key() == "running_var") b.value().fill_(1.0);
        if (b.key() == "running_mean") b.value().fill_(0.0);
      }
    }
  }
  module.eval();
}

}  // namespace neuro::ml
