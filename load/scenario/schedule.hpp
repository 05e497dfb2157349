// When things start: open-model arrival times from a rate curve and closed-model user start
// times, split deterministically over shards and threads ("lanes") so that the lanes of every
// shard together hold exactly the arrivals and users of one unsharded run.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "load/scenario/scenario.hpp"

namespace neuro::load {

// Piecewise-linear arrival rate: start_rate, then each stage ramps linearly to its target over
// its duration (a zero-duration stage is a jump).
class RateCurve {
 public:
  RateCurve() = default;
  RateCurve(double start_rate, const std::vector<RateStage>& stages);
  double duration_s() const { return duration_s_; }
  double rate_at(double t_s) const;
  double peak_rate() const;
  // Expected arrivals in [0, t_s].
  double arrivals_until(double t_s) const;
  // The time of arrival number k (0-based): the t with arrivals_until(t) == k; nullopt when it
  // falls at or after the end.
  std::optional<double> time_of(std::int64_t k) const;

 private:
  struct Segment {
    double t0, duration, rate0, rate1, n0;
  };
  std::vector<Segment> segments_;
  double duration_s_ = 0;
};

// The stages of a stress run, in order: one constant rate each, from start_rate in steps of
// step_rate up to max_rate (the run stops at the first stage that breaks a threshold).
std::vector<double> stress_stage_rates(const Executor& executor);

// Which of the run's arrivals (k) or users (u) a lane takes: global index i belongs to shard
// i % shard_count, and within it to thread (i / shard_count) % threads.
struct Lane {
  int shard_index = 0;
  int shard_count = 1;
  int thread = 0;
  int threads = 1;
  bool owns(std::int64_t i) const {
    return i % shard_count == shard_index && (i / shard_count) % threads == thread;
  }
  std::int64_t first() const {
    return shard_index + static_cast<std::int64_t>(thread) * shard_count;
  }
  std::int64_t stride() const { return static_cast<std::int64_t>(shard_count) * threads; }
};

// Start times (seconds) of the closed-model users this lane runs: user u of `users` starts at
// ramp_up_s * u / users.
std::vector<double> user_start_times(int users, double ramp_up_s, const Lane& lane);

}  // namespace neuro::load
