// The inference interface every model of the engine offers (built-in decoders and users'
// TorchScript files alike): a declared per-example input shape, a shape check with a one-line
// error, and predict() under c10::InferenceMode. Kept free of <torch/torch.h> on purpose.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neuro::ml {

// Sets libtorch's intra-op thread count (process-wide in libtorch); 0 means every core.
// Throws base::InvalidArgument for a negative count.
void set_threads(int threads);
int threads();

// Makes glibc keep freed memory for reuse instead of handing it back to the kernel (process-wide;
// call once at start-up in a program that serves or measures inference). libtorch allocates
// every intermediate tensor on every call (megabytes at batch 64); on a VM whose host reclaims
// freed guest pages (free page reporting, as on this suite's Firecracker machines) each reused
// page then costs a fault: EEGNet's first convolution at batch 64 took 84 ms instead of 18 ms.
// Returns false when glibc refused a setting.
bool retain_freed_memory();

// "[2, 8, 250]"
std::string shape_string(c10::IntArrayRef shape);

class Model {
 public:
  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const noexcept { return name_; }
  // One example's shape, without the batch dimension: {1, 8, 250} for the movement decoder.
  const std::vector<std::int64_t>& sample_shape() const noexcept { return sample_shape_; }
  std::int64_t classes() const noexcept { return classes_; }

  // (B, sample_shape...) float32 -> (B, classes) float32 logits. Throws base::InvalidArgument
  // naming the model, the shape given and the shape expected when they differ. Safe to call
  // from several threads at once (parameters are only read).
  at::Tensor predict(const at::Tensor& batch) const;

  // Runs `rounds` batches of zeros of each size in `batch_sizes`, so the first measured call
  // does not pay for lazy initialisation (allocator caches, oneDNN primitives, thread pool).
  void warm_up(const std::vector<std::int64_t>& batch_sizes, int rounds = 2) const;

  // Throws base::InvalidArgument unless `batch` is a float32 (B >= 1, sample_shape...) tensor.
  void check_input(const at::Tensor& batch) const;

 protected:
  Model(std::string name, std::vector<std::int64_t> sample_shape, std::int64_t classes);
  // Called by predict() inside InferenceMode with a checked, contiguous input.
  virtual at::Tensor forward(const at::Tensor& batch) const = 0;
  void set_classes(std::int64_t classes) noexcept { classes_ = classes; }

 private:
  std::string name_;
  std::vector<std::int64_t> sample_shape_;
  std::int64_t classes_;
};

}  // namespace neuro::ml
