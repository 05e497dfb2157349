// The biquad-cascade kernel behind zero-phase and streaming filtering: kLanes channels at once
// in SIMD lanes (double precision state, whatever the sample type), sections unrolled with the
// state in registers. Channel-contiguous data is gathered into lanes by the caller's loaders.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/filter_design.hpp"

namespace neuro::dsp {

// Eight doubles: one AVX-512 register, or two AVX2 / four SSE2 registers on older machines.
inline constexpr std::size_t kLanes = 8;
typedef double Lanes __attribute__((vector_size(kLanes * sizeof(double))));

// Sections are run in chunks of at most this many, each chunk one pass over the data, so the
// state (2 per section) and coefficients fit the register file.
inline constexpr std::size_t kSectionsPerPass = 4;

// Direct form II transposed, as scipy's sosfilt: y = b0 x + z1; z1 = b1 x - a1 y + z2;
// z2 = b2 x - a2 y. `state` holds z1, z2 per section (2 * sections Lanes).
class SosKernel {
 public:
  explicit SosKernel(const SosCoefficients& sos);

  std::size_t sections() const noexcept { return coefficients_.size(); }
  std::size_t passes() const noexcept {
    return (sections() + kSectionsPerPass - 1) / kSectionsPerPass;
  }

  // The steady-state initial conditions for a unit step (scipy.signal.sosfilt_zi), 2 per
  // section: multiply by the first input value to start without a transient.
  const std::vector<double>& unit_step_state() const noexcept { return unit_step_state_; }

  // Filters n samples through sections [first, first + count) (count <= kSectionsPerPass):
  // x = load(i) for i in 0..n-1, store(i, y). `state` points at this chunk's 2 * count Lanes.
  template <typename Load, typename Store>
  void run(std::size_t first, std::size_t count, Lanes* state, std::size_t n, Load&& load,
           Store&& store) const {
    switch (count) {
      case 1:
        return run_fixed<1>(first, state, n, load, store);
      case 2:
        return run_fixed<2>(first, state, n, load, store);
      case 3:
        return run_fixed<3>(first, state, n, load, store);
      default:
        return run_fixed<4>(first, state, n, load, store);
    }
  }

 private:
  struct Section {
    double b0, b1, b2, a1, a2;
  };

  template <std::size_t kCount, typename Load, typename Store>
  void run_fixed(std::size_t first, Lanes* state, std::size_t n, Load& load, Store& store) const {
    Section c[kCount];
    Lanes z1[kCount], z2[kCount];
    for (std::size_t s = 0; s < kCount; ++s) {
      c[s] = coefficients_[first + s];
      z1[s] = state[2 * s];
      z2[s] = state[2 * s + 1];
    }
    for (std::size_t i = 0; i < n; ++i) {
      Lanes x = load(i);
      for (std::size_t s = 0; s < kCount; ++s) {
        const Lanes y = c[s].b0 * x + z1[s];
        z1[s] = c[s].b1 * x - c[s].a1 * y + z2[s];
        z2[s] = c[s].b2 * x - c[s].a2 * y;
        x = y;
      }
      store(i, x);
    }
    for (std::size_t s = 0; s < kCount; ++s) {
      state[2 * s] = z1[s];
      state[2 * s + 1] = z2[s];
    }
  }

  std::vector<Section> coefficients_;
  std::vector<double> unit_step_state_;
};

// Lane helpers for gathering kLanes channel rows of float samples.
inline Lanes broadcast(double v) { return Lanes{} + v; }

inline Lanes gather(const float* const* rows, std::size_t i) {
  Lanes v;
  for (std::size_t l = 0; l < kLanes; ++l) v[l] = static_cast<double>(rows[l][i]);
  return v;
}

inline void scatter(float* const* rows, std::size_t lanes_used, std::size_t i, Lanes v) {
  for (std::size_t l = 0; l < lanes_used; ++l) rows[l][i] = static_cast<float>(v[l]);
}

// The channel rows of one group of kLanes channels starting at first_channel; lanes past the
// last channel repeat the group's first channel (computed, never stored: scatter stops at
// lanes_used). Returns lanes_used.
struct LaneRows {
  const float* in[kLanes];
  float* out[kLanes];
  std::size_t used;
};
inline LaneRows lane_rows(const common::SignalBlock& in, common::SignalBlock& out,
                          std::size_t first_channel) {
  LaneRows rows{};
  rows.used = std::min(kLanes, in.channels() - first_channel);
  for (std::size_t l = 0; l < kLanes; ++l) {
    const std::size_t c = first_channel + (l < rows.used ? l : 0);
    rows.in[l] = in.channel(c).data();
    rows.out[l] = out.channel(c).data();
  }
  return rows;
}

// Index of the first lane (< lanes_used) holding NaN or infinity, or kLanes if none.
std::size_t first_non_finite_lane(Lanes v, std::size_t lanes_used);

}  // namespace neuro::dsp
