#include "engine/ml/eegnet_fast.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "engine/ml/networks.hpp"

namespace neuro::ml {
namespace {

// Random batch-norm statistics, so the folding of both batch norms is exercised.
void randomise_norms(MovementDecoder& decoder, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::NoGradGuard no_grad;
  auto& net = decoder.network();
  for (auto* bn : {net.bn1.get(), net.bn2.get(), net.bn3.get()}) {
    bn->weight.uniform_(0.5, 1.5, generator);
    bn->bias.uniform_(-0.5, 0.5, generator);
    bn->running_mean.uniform_(-0.5, 0.5, generator);
    bn->running_var.uniform_(0.5, 1.5, generator);
  }
}

// Largest difference relative to the largest reference logit.
double relative_error(const at::Tensor& got, const at::Tensor& want) {
  return (got - want).abs().max().item<double>() / want.abs().max().item<double>();
}

TEST(FastMovementDecoder, EqualsLibtorchWithin1e5Relative) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    MovementDecoder decoder(seed);
    randomise_norms(decoder, seed + 100);
    const FastMovementDecoder fast(decoder);
    for (const std::int64_t batch : {1, 7, 64}) {
      const auto x = at::randn({batch, 1, 8, 250}, at::kFloat) * 20.0;
      const auto want = decoder.predict(x);
      const auto got = fast.predict(x);
      ASSERT_EQ(got.sizes(), want.sizes());
      EXPECT_LE(relative_error(got, want), 1e-5) << "seed " << seed << " batch " << batch;
    }
  }
}

// The folded first block alone against libtorch's first block, so an error there cannot hide
// behind the later layers' averaging.
TEST(FastMovementDecoder, FirstBlockEqualsLibtorchsLayers) {
  MovementDecoder decoder(4);
  randomise_norms(decoder, 5);
  const FastMovementDecoder fast(decoder);
  auto& net = decoder.network();
  const auto x = at::randn({3, 1, 8, 250}, at::kFloat) * 20.0;
  c10::InferenceMode guard;
  const auto block1 =
      at::avg_pool2d(at::elu(net.bn2(net.spatial(net.bn1(net.temporal(x))))), {1, 4});
  // forward_tail is linear up to bn3's ELU; compare the whole chain through both paths.
  EXPECT_LE(relative_error(fast.predict(x), net.forward_tail(block1)), 1e-5);
}

TEST(FastMovementDecoder, RejectsWrongShapeLikeTheDecoder) {
  const MovementDecoder decoder;
  const FastMovementDecoder fast(decoder);
  EXPECT_THROW((void)fast.predict(at::zeros({2, 8, 250})), std::exception);
}

}  // namespace
}  // namespace neuro::ml
