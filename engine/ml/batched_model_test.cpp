#include "engine/ml/batched_model.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/ml/decoders.hpp"

namespace neuro::ml {
namespace {

using namespace std::chrono_literals;

// 10 callers, each with windows of its own; every caller must get the logits of its own window
// (as a direct single call computes them), none lost, however the batcher grouped them.
TEST(BatchedModel, EveryCallerGetsTheResultOfItsOwnWindow) {
  const MovementDecoder decoder(9);
  constexpr int kCallers = 10;
  constexpr int kPerCaller = 6;
  const auto inputs = at::randn({kCallers * kPerCaller, 1, 8, 250}, at::kFloat) * 20.0;
  const auto direct = decoder.predict(inputs);  // reference, one example per row
  BatchedModel batched(decoder, {.max_batch = 8, .max_wait = 2ms});
  std::vector<int> mismatches(kCallers, 0);
  std::latch start(kCallers);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerCaller; ++i) {
        const auto row = c * kPerCaller + i;
        const auto logits = batched.submit(inputs[row]).get();
        if (!at::allclose(logits, direct[row], 1e-5, 1e-6)) ++mismatches[c];
      }
    });
  }
  for (auto& t : callers) t.join();
  for (int c = 0; c < kCallers; ++c) EXPECT_EQ(mismatches[c], 0) << "caller " << c;
  const auto stats = batched.stats();
  EXPECT_EQ(stats.requests, static_cast<std::size_t>(kCallers * kPerCaller));
  EXPECT_LE(stats.largest_batch, 8u);
}

TEST(BatchedModel, AWrongShapeFailsTheCallerAtOnce) {
  const MovementDecoder decoder;
  BatchedModel batched(decoder, {.max_batch = 8, .max_wait = 1h});
  EXPECT_THROW((void)batched.submit(at::zeros({8, 250})), base::InvalidArgument);
  EXPECT_THROW((void)batched.submit(at::Tensor()), base::InvalidArgument);
  EXPECT_EQ(batched.stats().requests, 0u);
}

}  // namespace
}  // namespace neuro::ml
