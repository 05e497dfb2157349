#include "engine/ml/torchscript_model.hpp"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <fstream>

#include "engine/base/errors.hpp"

namespace neuro::ml {
namespace {

using ::testing::HasSubstr;

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("neuro_ml_" + std::to_string(::getpid()) + "_" + name);
}

// A user's model, written as TorchScript source and compiled by libtorch's own frontend (what
// torch.jit.script does in Python), then saved like a user's file: logits = flatten(x) @ W + b.
std::filesystem::path write_linear_model(const at::Tensor& weight, const at::Tensor& bias,
                                         const std::string& body) {
  torch::jit::Module module("UserLinear");
  module.register_parameter("weight", weight, false);
  module.register_parameter("bias", bias, false);
  module.define(body);
  const auto path = temp_file("user_" + std::to_string(weight.size(1)) + ".pt");
  module.save(path.string());
  return path;
}

const char* kLinearForward = R"JIT(
def forward(self, x):
    return torch.matmul(x.flatten(1), self.weight) + self.bias
)JIT";

TEST(TorchScriptModel, RunsAUsersFileWithItsDeclaredShape) {
  const auto weight = at::randn({8 * 250, 3}, at::kFloat);
  const auto bias = at::randn({3}, at::kFloat);
  const auto path = write_linear_model(weight, bias, kLinearForward);
  const TorchScriptModel model(path, {8, 250});
  EXPECT_EQ(model.classes(), 3);
  EXPECT_EQ(model.sample_shape(), (std::vector<std::int64_t>{8, 250}));

  const auto x = at::randn({4, 8, 250}, at::kFloat);
  const auto out = model.predict(x);
  ASSERT_EQ(out.sizes(), (std::vector<std::int64_t>{4, 3}));
  // Reference: the same affine map as a plain double-precision loop.
  const auto xs = x.to(at::kDouble).contiguous();
  const auto ws = weight.to(at::kDouble).contiguous();
  const double* xp = xs.data_ptr<double>();
  const double* wp = ws.data_ptr<double>();
  for (std::int64_t b = 0; b < 4; ++b) {
    for (std::int64_t k = 0; k < 3; ++k) {
      double sum = bias[k].item<double>();
      for (std::int64_t i = 0; i < 2000; ++i) sum += xp[b * 2000 + i] * wp[i * 3 + k];
      EXPECT_NEAR(out[b][k].item<double>(), sum, 1e-3) << b << "," << k;
    }
  }
  std::filesystem::remove(path);
}

TEST(TorchScriptModel, WrongInputShapeAtPredictIsBadInput) {
  const auto path = write_linear_model(at::zeros({2000, 2}), at::zeros({2}), kLinearForward);
  const TorchScriptModel model(path, {8, 250});
  try {
    (void)model.predict(at::zeros({1, 8, 200}));
    ADD_FAILURE();
  } catch (const base::InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not match the declared [B, 8, 250]"));
  }
  std::filesystem::remove(path);
}

TEST(TorchScriptModel, ARejectedDeclaredShapeIsBadInput) {
  const auto path = write_linear_model(at::zeros({2000, 2}), at::zeros({2}), kLinearForward);
  try {
    TorchScriptModel model(path, {8, 251});
    ADD_FAILURE() << "a model that needs 2000 features accepted 8 x 251";
  } catch (const base::InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("model rejects the declared input shape [1, 8, 251]"));
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
  }
  std::filesystem::remove(path);
}

TEST(TorchScriptModel, OutputNotBatchByClassesIsBadInput) {
  const auto path = write_linear_model(at::zeros({2000, 2}), at::zeros({2}), R"JIT(
def forward(self, x):
    return x
)JIT");
  EXPECT_THROW(TorchScriptModel(path, {8, 250}), base::InvalidArgument);
  std::filesystem::remove(path);
}

TEST(TorchScriptModel, AMissingOrForeignFileIsBadInput) {
  EXPECT_THROW(TorchScriptModel(temp_file("absent.pt"), {8, 250}), base::InvalidArgument);
  const auto path = temp_file("garbage.pt");
  std::ofstream(path) << "not a zip archive";
  try {
    TorchScriptModel model(path, {8, 250});
    ADD_FAILURE();
  } catch (const base::InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a TorchScript file"));
  }
  std::filesystem::remove(path);
}

TEST(ParseShape, ReadsCommaSeparatedPositiveSizes) {
  EXPECT_EQ(parse_shape("8,250", "--shape"), (std::vector<std::int64_t>{8, 250}));
  EXPECT_EQ(parse_shape("1,8,250", "--shape"), (std::vector<std::int64_t>{1, 8, 250}));
  EXPECT_THROW(parse_shape("", "--shape"), base::InvalidArgument);
  EXPECT_THROW(parse_shape("8,,250", "--shape"), base::InvalidArgument);
  EXPECT_THROW(parse_shape("8,0", "--shape"), base::InvalidArgument);
  EXPECT_THROW(parse_shape("8x250", "--shape"), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::ml
