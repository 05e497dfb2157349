// The built-in models behind the micro-batcher, for POST /api/v2/inference/{movement|emotion}:
// each example of a request is submitted on its own, so concurrent callers share batches.
// libtorch stays behind this pimpl, out of every other server header.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

namespace neuro::server {

class Inference {
 public:
  Inference();
  ~Inference();
  // Values per example of `model` (8 x 250 for both); 0 for an unknown model.
  std::size_t example_size(const std::string& model) const;
  // `values` holds a whole number of examples, channel-major float32. Returns
  // {"model", "predictions": [{"class", "probabilities"}...], "batches"}.
  nlohmann::json predict(const std::string& model, std::span<const float> values);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neuro::server
