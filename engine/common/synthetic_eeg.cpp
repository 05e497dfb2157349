#include "engine/common/synthetic_eeg.hpp"

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::common {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

// SplitMix64: decorrelates the per-channel seeds so channels can be generated independently.
std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Paul Kellet's pink-noise filter: white noise through a bank of one-pole filters whose sum
// follows 1/f within about 0.05 dB over the audible-equivalent band. Scaled to unit RMS.
class PinkNoise {
 public:
  explicit PinkNoise(std::uint64_t seed) : rng_(seed) {}
  double next() {
    const double white = normal_(rng_);
    b0_ = 0.99886 * b0_ + white * 0.0555179;
    b1_ = 0.99332 * b1_ + white * 0.0750759;
    b2_ = 0.96900 * b2_ + white * 0.1538520;
    b3_ = 0.86650 * b3_ + white * 0.3104856;
    b4_ = 0.55000 * b4_ + white * 0.5329522;
    b5_ = -0.7616 * b5_ - white * 0.0168980;
    const double pink = b0_ + b1_ + b2_ + b3_ + b4_ + b5_ + b6_ + white * 0.5362;
    b6_ = white * 0.115926;
    return pink * kUnitRmsScale;
  }

 private:
  static constexpr double kUnitRmsScale = 1.0 / 3.0;  // the filter's RMS gain is about 3
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  double b0_ = 0, b1_ = 0, b2_ = 0, b3_ = 0, b4_ = 0, b5_ = 0, b6_ = 0;
};

// Event start times (in samples) of a Poisson process with the given rate.
std::vector<std::size_t> poisson_events(std::mt19937_64& rng, double per_minute,
                                        std::size_t samples, double rate_hz) {
  std::vector<std::size_t> events;
  if (per_minute <= 0.0) return events;
  std::exponential_distribution<double> gap_s(per_minute / 60.0);
  for (double t = gap_s(rng); t * rate_hz < static_cast<double>(samples); t += gap_s(rng)) {
    events.push_back(static_cast<std::size_t>(t * rate_hz));
  }
  return events;
}

void validate(const SyntheticEegOptions& o) {
  if (o.channels == 0) throw base::InvalidArgument("synthetic eeg: channels must be at least 1");
  if (!(o.sample_rate_hz > 0.0) || !std::isfinite(o.sample_rate_hz)) {
    throw base::InvalidArgument("synthetic eeg: sample_rate_hz must be positive, got " +
                                std::to_string(o.sample_rate_hz));
  }
  if (!(o.duration_s > 0.0) || !std::isfinite(o.duration_s)) {
    throw base::InvalidArgument("synthetic eeg: duration_s must be positive, got " +
                                std::to_string(o.duration_s));
  }
  if (o.line_hz < 0.0 || (o.line_hz > 0.0 && o.line_hz >= o.sample_rate_hz / 2.0)) {
    throw base::InvalidArgument("synthetic eeg: line_hz " + std::to_string(o.line_hz) +
                                " must be 0 or below Nyquist (" +
                                std::to_string(o.sample_rate_hz / 2) + " Hz)");
  }
}

}  // namespace

SyntheticEegOptions options_for(const DeviceProfile& profile, double duration_s,
                                std::uint64_t seed) {
  SyntheticEegOptions options;
  options.channels = profile.channels;
  options.sample_rate_hz = profile.sample_rate_hz;
  options.duration_s = duration_s;
  options.seed = seed;
  if (options.line_hz >= profile.sample_rate_hz / 2.0) options.line_hz = 0.0;
  return options;
}

SignalBlock make_synthetic_eeg(std::size_t channels, double sample_rate_hz, double duration_s,
                               std::uint64_t seed) {
  SyntheticEegOptions options;
  options.channels = channels;
  options.sample_rate_hz = sample_rate_hz;
  options.duration_s = duration_s;
  options.seed = seed;
  return make_synthetic_eeg(options);
}

SignalBlock make_synthetic_eeg(const SyntheticEegOptions& o) {
  validate(o);
  const auto samples = static_cast<std::size_t>(std::llround(o.duration_s * o.sample_rate_hz));
  SignalBlock block(o.channels, samples, o.sample_rate_hz);
  const double fs = o.sample_rate_hz;
  const double channels_minus_1 = o.channels > 1 ? static_cast<double>(o.channels - 1) : 1.0;

  // Components common to all channels first: shared background, alpha envelope, events.
  std::mt19937_64 events_rng(mix_seed(o.seed ^ 0xe7e7e7e7ULL));
  const auto blinks = poisson_events(events_rng, o.blinks_per_minute, samples, fs);
  const auto bursts = poisson_events(events_rng, o.muscle_bursts_per_minute, samples, fs);
  std::vector<double> shared(samples);
  PinkNoise shared_noise(mix_seed(o.seed));
  for (auto& v : shared) v = shared_noise.next();
  std::uniform_real_distribution<double> phase(0.0, kTwoPi);
  const double envelope_phase = phase(events_rng);

  const double shared_gain = o.background_uv * std::sqrt(o.shared_fraction);
  const double own_gain = o.background_uv * std::sqrt(1.0 - o.shared_fraction);
  const double blink_sigma_s = 0.075;
  const auto blink_half_width = static_cast<std::size_t>(4.0 * blink_sigma_s * fs);
  const auto burst_length = static_cast<std::size_t>(0.3 * fs) + 1;

  for (std::size_t c = 0; c < o.channels; ++c) {
    const double position = static_cast<double>(c) / channels_minus_1;  // 0 frontal, 1 posterior
    std::mt19937_64 rng(mix_seed(o.seed + 1000003ULL * (c + 1)));
    PinkNoise own_noise(rng());
    const double alpha_phase = phase(rng);
    const double line_phase = phase(rng);
    const double alpha_gain = o.alpha_uv * (0.3 + 0.7 * position);
    const double blink_gain = o.blink_uv * std::exp(-4.0 * position);
    const bool muscular = c >= o.channels - std::max<std::size_t>(1, o.channels / 4);

    auto out = block.channel(c);
    for (std::size_t s = 0; s < samples; ++s) {
      const double t = static_cast<double>(s) / fs;
      const double envelope = 0.6 + 0.4 * std::sin(kTwoPi * 0.1 * t + envelope_phase);
      double v = shared_gain * shared[s] + own_gain * own_noise.next();
      v += alpha_gain * envelope * std::sin(kTwoPi * o.alpha_hz * t + alpha_phase);
      if (o.line_hz > 0.0) v += o.line_uv * std::sin(kTwoPi * o.line_hz * t + line_phase);
      out[s] = static_cast<float>(v + o.dc_offset_uv);
    }
    for (const std::size_t start : blinks) {
      const std::size_t centre = start + blink_half_width;
      for (std::size_t s = start; s < std::min(samples, centre + blink_half_width); ++s) {
        const double dt = (static_cast<double>(s) - static_cast<double>(centre)) / fs;
        out[s] += static_cast<float>(blink_gain *
                                     std::exp(-0.5 * dt * dt / (blink_sigma_s * blink_sigma_s)));
      }
    }
    if (!muscular) continue;
    std::normal_distribution<double> white(0.0, 1.0);
    for (const std::size_t start : bursts) {
      for (std::size_t i = 0; i < burst_length && start + i < samples; ++i) {
        const double window =
            std::sin(std::numbers::pi * static_cast<double>(i) / static_cast<double>(burst_length));
        out[start + i] += static_cast<float>(o.muscle_uv * window * white(rng));
      }
    }
  }
  return block;
}

}  // namespace neuro::common
