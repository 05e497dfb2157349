// The fuzz preset's Inference: that build (clang-14) cannot compile libtorch's headers in C++20,
// so its server links no model. The route still validates its input as usual and then answers
// 503, which is all a harness that never runs handlers needs. Every other build uses
// inference.cpp.
#include "engine/server/api_error.hpp"
#include "engine/server/inference.hpp"

namespace neuro::server {

struct Inference::Impl {};

Inference::Inference() : impl_(std::make_unique<Impl>()) {}
Inference::~Inference() = default;

std::size_t Inference::example_size(const std::string& model) const {
  if (model != "movement" && model != "emotion") return 0;
  return 8 * 250;
}

nlohmann::json Inference::predict(const std::string&, std::span<const float>) {
  throw ApiError(http::status::service_unavailable,
                 "this build has no models (the fuzz preset links no libtorch)");
}

}  // namespace neuro::server
