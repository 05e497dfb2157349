// The engine's two built-in models on 8 channels x 250 samples windows: the movement decoder
// (EEGNet-8,2, 4 classes) and the emotion classifier (conv + GRU, 3 classes). Weights come from
// a seed or from a file written by save(); nothing is ever downloaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "engine/ml/model.hpp"

namespace neuro::ml {

class EEGNetImpl;
class EmotionNetImpl;

// Input (B, 1, 8, 250) -> (B, 4) logits.
class MovementDecoder : public Model {
 public:
  // Deterministic weights from the seed (same seed, same weights, bit for bit).
  explicit MovementDecoder(std::uint64_t seed = 1);
  ~MovementDecoder() override;

  // Writes the parameters and batch-norm statistics (libtorch archive). Throws base::Error
  // (kBadInput) naming the path when it cannot be written.
  void save(const std::filesystem::path& path) const;
  // Replaces the parameters with those saved in `path`. Throws base::InvalidArgument naming
  // the path when it is missing, unreadable or holds another architecture.
  void load_pretrained(const std::filesystem::path& path);

  EEGNetImpl& network() const noexcept { return *net_; }

 protected:
  at::Tensor forward(const at::Tensor& batch) const override;

 private:
  std::shared_ptr<EEGNetImpl> net_;
};

// Input (B, 8, 250) -> (B, 3) logits.
class EmotionClassifier : public Model {
 public:
  explicit EmotionClassifier(std::uint64_t seed = 1);
  ~EmotionClassifier() override;

  void save(const std::filesystem::path& path) const;
  void load_pretrained(const std::filesystem::path& path);

  EmotionNetImpl& network() const noexcept { return *net_; }

 protected:
  at::Tensor forward(const at::Tensor& batch) const override;

 private:
  std::shared_ptr<EmotionNetImpl> net_;
};

}  // namespace neuro::ml
