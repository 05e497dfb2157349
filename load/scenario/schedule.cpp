#include "load/scenario/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace neuro::load {

RateCurve::RateCurve(double start_rate, const std::vector<RateStage>& stages) {
  double t = 0, n = 0, rate = start_rate;
  for (const auto& s : stages) {
    if (s.duration_s > 0) {
      segments_.push_back({t, s.duration_s, rate, s.target_rate, n});
      n += (rate + s.target_rate) / 2 * s.duration_s;
      t += s.duration_s;
    }
    rate = s.target_rate;
  }
  duration_s_ = t;
}

double RateCurve::rate_at(double t_s) const {
  for (const auto& s : segments_) {
    if (t_s < s.t0 + s.duration) {
      return s.rate0 + (s.rate1 - s.rate0) * std::max(0.0, t_s - s.t0) / s.duration;
    }
  }
  return segments_.empty() ? 0.0 : segments_.back().rate1;
}

double RateCurve::peak_rate() const {
  double peak = 0;
  for (const auto& s : segments_) peak = std::max({peak, s.rate0, s.rate1});
  return peak;
}

double RateCurve::arrivals_until(double t_s) const {
  double n = 0;
  for (const auto& s : segments_) {
    const double tau = std::clamp(t_s - s.t0, 0.0, s.duration);
    if (tau <= 0) break;
    const double slope = (s.rate1 - s.rate0) / s.duration;
    n = s.n0 + s.rate0 * tau + slope * tau * tau / 2;
  }
  return n;
}

std::optional<double> RateCurve::time_of(std::int64_t k) const {
  const double target = static_cast<double>(k);
  for (const auto& s : segments_) {
    const double n_end = s.n0 + (s.rate0 + s.rate1) / 2 * s.duration;
    if (target >= n_end) continue;
    // Solve rate0 * tau + slope / 2 * tau^2 = target - n0 in the form that stays accurate
    // when the slope is tiny or negative.
    const double m = target - s.n0;
    const double slope = (s.rate1 - s.rate0) / s.duration;
    const double disc = std::max(0.0, s.rate0 * s.rate0 + 2 * slope * m);
    const double denom = s.rate0 + std::sqrt(disc);
    const double tau = denom > 0 ? 2 * m / denom : 0.0;
    return s.t0 + std::min(tau, s.duration);
  }
  return std::nullopt;
}

std::vector<double> stress_stage_rates(const Executor& e) {
  if (e.step_rate <= 0) return {e.start_rate};  // one stage, as planned_duration_s counts it
  std::vector<double> rates;
  // Added up step by step rather than start + i * step: the rates the runner always used.
  for (double rate = e.start_rate; rate <= e.max_rate + 1e-9; rate += e.step_rate) {
    rates.push_back(rate);
  }
  return rates;
}

std::vector<double> user_start_times(int users, double ramp_up_s, const Lane& lane) {
  std::vector<double> starts;
  for (std::int64_t u = lane.first(); u < users; u += lane.stride()) {
    starts.push_back(ramp_up_s * static_cast<double>(u) / users);
  }
  return starts;
}

}  // namespace neuro::load
