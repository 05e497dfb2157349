// The libtorch networks against PyTorch in Python: fixtures/ml/make_reference.py wrote random
// weights, an input and PyTorch's output with its own definition of each architecture.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "engine/common/testing/golden_case.hpp"
#include "engine/ml/decoders.hpp"
#include "engine/ml/networks.hpp"

namespace neuro::ml {
namespace {

using neuro::testing::GoldenArray;
using neuro::testing::GoldenCase;

at::Tensor to_tensor(const GoldenArray& a) {
  std::vector<std::int64_t> shape(a.shape.begin(), a.shape.end());
  return at::tensor(a.values, at::kDouble).reshape(shape).to(at::kFloat);
}

// Copies every parameter and statistic by name; a missing name or another shape fails.
void load_golden(torch::nn::Module& net, const GoldenCase& golden) {
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& name, at::Tensor& target) {
    const auto source = to_tensor(golden.array(name));
    ASSERT_EQ(source.sizes(), target.sizes()) << name;
    target.copy_(source);
  };
  for (auto& p : net.named_parameters()) copy(p.key(), p.value());
  for (auto& b : net.named_buffers()) {
    if (b.key().find("num_batches_tracked") == std::string::npos) copy(b.key(), b.value());
  }
}

// float32 through a few hundred multiply-adds per output in both implementations, summed in
// different orders: relative differences of order 1e-6. 1e-4 of the largest logit catches any
// layer out of place, a wrong padding or pooling (those move logits by percent).
void expect_matches(const at::Tensor& got, const at::Tensor& want) {
  ASSERT_EQ(got.sizes(), want.sizes());
  const double scale = want.abs().max().item<double>();
  const double diff = (got - want).abs().max().item<double>();
  EXPECT_LE(diff, 1e-4 * scale) << "got\n" << got << "\nwant\n" << want;
}

TEST(Reference, MovementDecoderEqualsPyTorchEEGNet) {
  // The golden cases live in fixtures/ml, beside the script that made them.
  const auto golden = GoldenCase::load("../ml", "eegnet");
  MovementDecoder decoder;
  load_golden(decoder.network(), golden);
  expect_matches(decoder.predict(to_tensor(golden.array("x"))), to_tensor(golden.array("logits")));
}

TEST(Reference, EmotionClassifierEqualsPyTorchConvGru) {
  const auto golden = GoldenCase::load("../ml", "emotion");
  EmotionClassifier model;
  load_golden(model.network(), golden);
  expect_matches(model.predict(to_tensor(golden.array("x"))), to_tensor(golden.array("logits")));
}

}  // namespace
}  // namespace neuro::ml
