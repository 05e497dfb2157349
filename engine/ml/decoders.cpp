#include "engine/ml/decoders.hpp"

#include <torch/serialize.h>

#include <string>

#include "engine/base/errors.hpp"
#include "engine/ml/networks.hpp"

namespace neuro::ml {
namespace {

// libtorch errors carry a C++ backtrace after the first line; one line is what we report.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

template <typename Net>
void save_module(const std::shared_ptr<Net>& net, const std::filesystem::path& path,
                 const std::string& what) {
  try {
    torch::save(net, path.string());
  } catch (const c10::Error& e) {
    throw base::InvalidArgument(path.string() + ": cannot write " + what +
                                " parameters: " + first_line(e.what()));
  }
}

template <typename Net>
void load_module(const std::shared_ptr<Net>& net, const std::filesystem::path& path,
                 const std::string& what) {
  if (!std::filesystem::is_regular_file(path)) {
    throw base::InvalidArgument(path.string() + ": no such file (" + what + " parameters)");
  }
  try {
    // libtorch's deserialiser needs a holder type, not the bare Impl pointer.
    std::shared_ptr<torch::nn::Module> base = net;
    torch::load(base, path.string());
  } catch (const c10::Error& e) {
    throw base::InvalidArgument(path.string() + ": not a " + what +
                                " parameter file: " + first_line(e.what()));
  }
  net->eval();
}

}  // namespace

MovementDecoder::MovementDecoder(std::uint64_t seed)
    : Model("movement_decoder", {1, 8, 250}, 4), net_(std::make_shared<EEGNetImpl>()) {
  init_deterministic(*net_, seed);
}

MovementDecoder::~MovementDecoder() = default;

void MovementDecoder::save(const std::filesystem::path& path) const {
  save_module(net_, path, name());
}

void MovementDecoder::load_pretrained(const std::filesystem::path& path) {
  load_module(net_, path, name());
}

at::Tensor MovementDecoder::forward(const at::Tensor& batch) const { return net_->forward(batch); }

EmotionClassifier::EmotionClassifier(std::uint64_t seed)
    : Model("emotion_classifier", {8, 250}, 3), net_(std::make_shared<EmotionNetImpl>()) {
  init_deterministic(*net_, seed);
}

EmotionClassifier::~EmotionClassifier() = default;

void EmotionClassifier::save(const std::filesystem::path& path) const {
  save_module(net_, path, name());
}

void EmotionClassifier::load_pretrained(const std::filesystem::path& path) {
  load_module(net_, path, name());
}

at::Tensor EmotionClassifier::forward(const at::Tensor& batch) const {
  return net_->forward(batch);
}

}  // namespace neuro::ml
