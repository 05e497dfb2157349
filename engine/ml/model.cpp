#include "engine/ml/model.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <malloc.h>

#include <limits>
#include <sstream>
#include <thread>

#include "engine/base/errors.hpp"

namespace neuro::ml {

void set_threads(int threads) {
  if (threads < 0) {
    throw base::InvalidArgument("ml: thread count " + std::to_string(threads) +
                                " is negative (0 means every core)");
  }
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
}

int threads() { return at::get_num_threads(); }

bool retain_freed_memory() {
  // Largest mmap threshold glibc accepts on 64-bit (32 MiB): bigger blocks still come from mmap.
  constexpr int kMmapThresholdBytes = 32 << 20;
  // Never trim the heap top: what a batch freed serves the next batch without new pages.
  constexpr int kTrimThresholdBytes = std::numeric_limits<int>::max();
  return mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) == 1 &&
         mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes) == 1;
}

std::string shape_string(c10::IntArrayRef shape) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

Model::Model(std::string name, std::vector<std::int64_t> sample_shape, std::int64_t classes)
    : name_(std::move(name)), sample_shape_(std::move(sample_shape)), classes_(classes) {
  for (const auto d : sample_shape_) {
    if (d <= 0) {
      throw base::InvalidArgument(name_ + ": declared input shape " + shape_string(sample_shape_) +
                                  " has a non-positive size");
    }
  }
}

void Model::check_input(const at::Tensor& batch) const {
  const auto expected = "[B, " + shape_string(sample_shape_).substr(1);
  if (!batch.defined()) {
    throw base::InvalidArgument(name_ + ": input is an undefined tensor, expected " + expected);
  }
  bool ok =
      batch.dim() == static_cast<std::int64_t>(sample_shape_.size()) + 1 && batch.size(0) >= 1;
  for (std::size_t i = 0; ok && i < sample_shape_.size(); ++i) {
    ok = batch.size(static_cast<std::int64_t>(i) + 1) == sample_shape_[i];
  }
  if (!ok) {
    throw base::InvalidArgument(name_ + ": input shape " + shape_string(batch.sizes()) +
                                " does not match the declared " + expected);
  }
  if (batch.scalar_type() != at::kFloat) {
    throw base::InvalidArgument(name_ + ": input dtype " +
                                std::string(c10::toString(batch.scalar_type())) +
                                " is not float32");
  }
}

at::Tensor Model::predict(const at::Tensor& batch) const {
  check_input(batch);
  c10::InferenceMode guard;
  return forward(batch.contiguous());
}

void Model::warm_up(const std::vector<std::int64_t>& batch_sizes, int rounds) const {
  for (const auto b : batch_sizes) {
    std::vector<std::int64_t> shape{b};
    shape.insert(shape.end(), sample_shape_.begin(), sample_shape_.end());
    const auto zeros = at::zeros(shape, at::kFloat);
    for (int r = 0; r < rounds; ++r) (void)predict(zeros);
  }
}

}  // namespace neuro::ml
