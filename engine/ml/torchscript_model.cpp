#include "engine/ml/torchscript_model.hpp"

#include <torch/script.h>

#include <charconv>

#include "engine/base/errors.hpp"

namespace neuro::ml {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& what) {
  std::vector<std::int64_t> shape;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (p < end) {
    std::int64_t d = 0;
    const auto [next, ec] = std::from_chars(p, end, d);
    if (ec != std::errc() || d <= 0 || (next < end && *next != ',')) {
      throw base::InvalidArgument(what + ": '" + text +
                                  "' is not a shape (positive sizes separated by commas, "
                                  "e.g. 8,250)");
    }
    shape.push_back(d);
    p = next < end ? next + 1 : next;
  }
  if (shape.empty()) throw base::InvalidArgument(what + ": empty shape");
  return shape;
}

TorchScriptModel::TorchScriptModel(const std::filesystem::path& path,
                                   std::vector<std::int64_t> sample_shape)
    : Model("torchscript:" + path.filename().string(), std::move(sample_shape), 0),
      path_(path.string()) {
  if (this->sample_shape().empty()) {
    throw base::InvalidArgument(path_ + ": no input shape declared");
  }
  if (!std::filesystem::is_regular_file(path)) {
    throw base::InvalidArgument(path_ + ": no such file (TorchScript model)");
  }
  try {
    module_ = std::make_unique<torch::jit::Module>(torch::jit::load(path_));
  } catch (const c10::Error& e) {
    throw base::InvalidArgument(path_ + ": not a TorchScript file: " + first_line(e.what()));
  }
  module_->eval();

  std::vector<std::int64_t> probe_shape{1};
  probe_shape.insert(probe_shape.end(), this->sample_shape().begin(), this->sample_shape().end());
  c10::InferenceMode guard;
  at::Tensor out;
  try {
    out = forward(at::zeros(probe_shape, at::kFloat));
  } catch (const base::InvalidArgument&) {
    throw;
  } catch (const std::exception& e) {
    throw base::InvalidArgument(path_ + ": model rejects the declared input shape " +
                                shape_string(probe_shape) + ": " + first_line(e.what()));
  }
  if (out.dim() != 2 || out.size(0) != 1 || out.scalar_type() != at::kFloat) {
    throw base::InvalidArgument(path_ + ": model returns " + shape_string(out.sizes()) + " " +
                                std::string(c10::toString(out.scalar_type())) +
                                " for one example, expected [1, classes] float32");
  }
  set_classes(out.size(1));
}

TorchScriptModel::~TorchScriptModel() = default;

at::Tensor TorchScriptModel::forward(const at::Tensor& batch) const {
  // Module::forward is not const, but a scripted forward in eval mode only reads parameters.
  auto result = module_->forward({batch});
  if (!result.isTensor()) {
    throw base::InvalidArgument(path_ + ": forward returned " + result.tagKind() +
                                ", expected a tensor");
  }
  return result.toTensor();
}

}  // namespace neuro::ml
