#include "engine/dsp/sos_filter.hpp"

#include <cmath>

namespace neuro::dsp {

SosKernel::SosKernel(const SosCoefficients& sos) {
  validate_sos(sos, "sos filter");
  // scipy.signal.sosfilt_zi: each section's lfilter_zi, scaled by the DC gain of the sections
  // before it. For a biquad, lfilter_zi solves (I - A^T) zi = b[1:] - a[1:] b0 in closed form.
  double scale = 1.0;
  for (const auto& s : sos) {
    coefficients_.push_back({s[0], s[1], s[2], s[4], s[5]});
    const double rhs0 = s[1] - s[4] * s[0];
    const double rhs1 = s[2] - s[5] * s[0];
    const double zi0 = (rhs0 + rhs1) / (1.0 + s[4] + s[5]);
    const double zi1 = rhs1 - s[5] * zi0;
    unit_step_state_.push_back(scale * zi0);
    unit_step_state_.push_back(scale * zi1);
    scale *= (s[0] + s[1] + s[2]) / (s[3] + s[4] + s[5]);
  }
}

std::size_t first_non_finite_lane(Lanes v, std::size_t lanes_used) {
  for (std::size_t l = 0; l < lanes_used; ++l) {
    if (!std::isfinite(v[l])) return l;
  }
  return kLanes;
}

}  // namespace neuro::dsp
