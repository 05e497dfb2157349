#include "engine/ml/eegnet_fast.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "engine/ml/networks.hpp"

namespace neuro::ml {
namespace {

// Eval-mode batch norm as y = a x + b.
std::pair<std::vector<double>, std::vector<double>> fold(torch::nn::BatchNorm2dImpl& bn) {
  const auto gamma = bn.weight.to(at::kDouble);
  const auto beta = bn.bias.to(at::kDouble);
  const auto mean = bn.running_mean.to(at::kDouble);
  const auto var = bn.running_var.to(at::kDouble);
  const auto n = gamma.numel();
  std::vector<double> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = gamma[i].item<double>() / std::sqrt(var[i].item<double>() + bn.options.eps());
    b[i] = beta[i].item<double>() - mean[i].item<double>() * a[i];
  }
  return {a, b};
}

}  // namespace

FastMovementDecoder::FastMovementDecoder(const MovementDecoder& decoder)
    : Model("movement_decoder_fast", decoder.sample_shape(), decoder.classes()), decoder_(decoder) {
  auto& net = decoder.network();
  const auto& o = net.options();
  channels_ = o.channels;
  samples_ = o.samples;
  kernel_ = o.kernel;
  groups_ = o.f1 * o.depth;
  pool_ = o.pool1;
  torch::NoGradGuard no_grad;
  const auto w1 = net.temporal->weight.reshape({o.f1, o.kernel}).contiguous();      // (F1,1,1,K)
  const auto w2 = net.spatial->weight.reshape({groups_, o.channels}).contiguous();  // (G,1,C,1)
  const auto [a1, b1] = fold(*net.bn1);
  const auto [a2, b2] = fold(*net.bn2);
  mix_.assign(w2.data_ptr<float>(), w2.data_ptr<float>() + w2.numel());
  taps_.resize(static_cast<std::size_t>(groups_ * kernel_));
  scale_.resize(static_cast<std::size_t>(groups_));
  shift_.resize(static_cast<std::size_t>(groups_));
  for (std::int64_t g = 0; g < groups_; ++g) {
    const auto f = g / o.depth;  // grouped spatial conv: group g reads temporal filter g / D
    std::copy_n(w1.data_ptr<float>() + f * kernel_, kernel_, taps_.data() + g * kernel_);
    // BN2(sum_c W2[g,c] * BN1_f(conv_f(x_c))) = a2 a1 conv_f(sum_c W2[g,c] x_c)
    //                                          + a2 b1 sum_c W2[g,c] + b2
    double mix_sum = 0.0;
    for (std::int64_t c = 0; c < channels_; ++c) mix_sum += mix_[g * channels_ + c];
    scale_[g] = static_cast<float>(a2[g] * a1[f]);
    shift_[g] = static_cast<float>(a2[g] * b1[f] * mix_sum + b2[g]);
  }
}

// e^x for x <= 0 to ~2 float ulps (Cephes expf: x = n ln2 + r, degree-6 polynomial in r, times
// 2^n), branch-free so the compiler vectorises it: libm's expm1f is a scalar call per element
// and took a fifth of the fast path's time. Absolute error of e^x - 1 stays ~1e-7.
inline float exp_nonpositive(float x) {
  x = std::max(x, -87.0f);  // e^-87 ~ 1.6e-38: still a normal float, and ELU is -1 there anyway
  const float n = std::nearbyint(x * 1.44269504088896341f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<float>((static_cast<std::int32_t>(n) + 127) << 23);
}

// Outputs computed per step of the convolution: 64 floats stay in vector registers (4 with
// AVX-512, 8 with AVX2) across all taps, so each tap costs one load and one FMA per vector
// instead of a load, an FMA and a store of the accumulator.
constexpr std::int64_t kBlock = 64;

void FastMovementDecoder::first_block(const float* x, float* out,
                                      std::vector<float>& scratch) const {
  const std::int64_t left = (kernel_ - 1) / 2;  // 'same' padding of an odd kernel
  // Rounded up to whole blocks; outputs past samples_ read zeros and are never used.
  const std::int64_t blocks = (samples_ + kBlock - 1) / kBlock;
  const std::int64_t padded = blocks * kBlock + kernel_ - 1;
  scratch.assign(static_cast<std::size_t>(padded + blocks * kBlock), 0.0f);
  float* mixed = scratch.data();
  float* acc = scratch.data() + padded;
  const std::int64_t pooled = samples_ / pool_;
  for (std::int64_t g = 0; g < groups_; ++g) {
    float* m = mixed + left;
    std::fill_n(m, samples_, 0.0f);
    for (std::int64_t c = 0; c < channels_; ++c) {
      const float w = mix_[g * channels_ + c];
      const float* xc = x + c * samples_;
      for (std::int64_t t = 0; t < samples_; ++t) m[t] += w * xc[t];
    }
    const float* taps = taps_.data() + g * kernel_;
    for (std::int64_t t0 = 0; t0 < blocks * kBlock; t0 += kBlock) {
      float a[kBlock] = {};
      for (std::int64_t k = 0; k < kernel_; ++k) {
        const float w = taps[k];
        const float* src = mixed + t0 + k;
        for (std::int64_t j = 0; j < kBlock; ++j) a[j] += w * src[j];
      }
      std::copy_n(a, kBlock, acc + t0);
    }
    const float scale = scale_[g];
    const float shift = shift_[g];
    for (std::int64_t t = 0; t < samples_; ++t) {
      const float z = scale * acc[t] + shift;
      acc[t] = z > 0.0f ? z : exp_nonpositive(std::min(z, 0.0f)) - 1.0f;  // ELU
    }
    for (std::int64_t j = 0; j < pooled; ++j) {
      float sum = 0.0f;
      for (std::int64_t i = 0; i < pool_; ++i) sum += acc[j * pool_ + i];
      out[g * pooled + j] = sum / static_cast<float>(pool_);
    }
  }
}

at::Tensor FastMovementDecoder::forward(const at::Tensor& batch) const {
  const auto b = batch.size(0);
  const auto pooled = samples_ / pool_;
  auto block1 = at::empty({b, groups_, 1, pooled}, at::kFloat);
  const float* in = batch.data_ptr<float>();
  float* out = block1.data_ptr<float>();
  const auto in_stride = channels_ * samples_;
  const auto out_stride = groups_ * pooled;
  at::parallel_for(0, b, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scratch;
    for (auto i = begin; i < end; ++i)
      first_block(in + i * in_stride, out + i * out_stride, scratch);
  });
  return decoder_.network().forward_tail(block1);
}

}  // namespace neuro::ml
