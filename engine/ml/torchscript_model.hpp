// A user's model as a TorchScript file (torch.jit.save / torch::jit::Module::save) with the
// input shape the user declares, so any model can be benchmarked like the built-in ones.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/ml/model.hpp"

namespace torch::jit {
struct Module;
}

namespace neuro::ml {

class TorchScriptModel : public Model {
 public:
  // Loads `path` and runs it once on a (1, sample_shape...) batch of zeros to learn its output
  // width. Throws base::InvalidArgument naming the path when the file is missing or not
  // TorchScript, the shape is empty, the model rejects that shape, or it does not return a
  // (B, k) float tensor.
  TorchScriptModel(const std::filesystem::path& path, std::vector<std::int64_t> sample_shape);
  ~TorchScriptModel() override;

 protected:
  at::Tensor forward(const at::Tensor& batch) const override;

 private:
  std::unique_ptr<torch::jit::Module> module_;
  std::string path_;
};

// "8,250" -> {8, 250}. Throws base::InvalidArgument naming `what` on anything else.
std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& what);

}  // namespace neuro::ml
