// Welch power spectral density, equal to scipy.signal.welch(x, fs, window='hann', nperseg,
// noverlap=nperseg // 2, nfft=nperseg, detrend='constant', scaling='density', average='mean').
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <complex>
#include <cstddef>
#include <exception>
#include <span>
#include <string_view>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/dsp/fft_plan_cache.hpp"
#include "engine/dsp/parallel.hpp"

namespace neuro::dsp {

// A frequency band [low_hz, high_hz): a PSD bin at f belongs to it when low_hz <= f < high_hz.
struct FrequencyBand {
  std::string_view name;
  double low_hz;
  double high_hz;
};

// The classic EEG bands, and the range their relative powers and the spectral entropy use.
inline constexpr std::array<FrequencyBand, 5> kEegBands{{
    {"delta", 0.5, 4.0},
    {"theta", 4.0, 8.0},
    {"alpha", 8.0, 13.0},
    {"beta", 13.0, 30.0},
    {"gamma", 30.0, 50.0},
}};
inline constexpr FrequencyBand kEegTotalRange{"total", 0.5, 50.0};

struct WelchOptions {
  std::size_t nperseg = 256;           // samples per segment = FFT size; 2 <= nperseg <= samples
  int threads = 1;                     // channels in parallel (>= 1)
  FftPlanCache* plan_cache = nullptr;  // null: FftPlanCache::process_default()
};

// One-sided PSD of every channel. Definition (scipy's): window w[i] = 0.5 - 0.5 cos(2 pi i / L)
// (periodic Hann, L = nperseg); step = L - L / 2; segments s = 0 .. (n - L) / step, no padding;
// X_s = rfft((x[s*step + i] - mean_s) * w[i]); density[k] = c_k * mean_s |X_s[k]|^2 /
// (fs * sum w^2), c_k = 2 except at DC and (even L) Nyquist, where c_k = 1.
// Units: signal units squared per Hz (uV^2/Hz for EEG).
struct Psd {
  std::vector<double> frequencies_hz;  // k / (L * (1 / fs)), as numpy.fft.rfftfreq computes it
  std::size_t channels = 0;
  std::size_t bins = 0;         // L / 2 + 1
  std::vector<double> density;  // channels x bins, row-major

  std::span<const double> channel(std::size_t c) const { return {density.data() + c * bins, bins}; }
};

// Throws base::InvalidArgument ("welch: ...") for an empty block, nperseg < 2 or > samples,
// threads < 1 or a non-finite sample.
Psd welch(const common::SignalBlock& block, const WelchOptions& options);

// Building blocks shared by features.cpp and connectivity.cpp; not a stable API.
namespace detail {

// Throws base::InvalidArgument prefixed with `function` for an empty block, a bad nperseg or
// threads. Non-finite samples are found while transforming (for_each_channel_spectrum), which
// saves a pass over the block.
void validate_welch(const common::SignalBlock& block, const WelchOptions& options,
                    std::string_view function);

std::size_t welch_segment_count(std::size_t samples, std::size_t nperseg);
std::vector<double> rfft_frequencies_hz(std::size_t nfft, double sample_rate_hz);
std::vector<double> periodic_hann(std::size_t size);
FftPlanCache& plan_cache(const WelchOptions& options);

// PSD bins [begin, end) of a band.
struct BinRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const noexcept { return end - begin; }
};

// Bins of `band` among `frequencies_hz` (ascending, from rfft_frequencies_hz). Throws
// base::InvalidArgument prefixed with `function` when the edges are not finite, low < 0,
// low >= high, high is above Nyquist (the last frequency), or no bin falls in the band.
BinRange band_bins(std::span<const double> frequencies_hz, const FrequencyBand& band,
                   std::string_view function);

// What every channel of one call shares: plan, window, scale, frequencies.
struct WelchSetup {
  const RealFft* fft = nullptr;
  std::size_t nperseg = 0;
  std::size_t step = 0;                  // nperseg - nperseg / 2
  std::vector<float> window;             // periodic Hann, as multiplied
  std::complex<double> window_dft[2]{};  // bins 0 and 1 of rfft(window), for the detrend
  double density_scale = 0.0;            // 1 / (fs * sum w^2)
  std::vector<double> frequencies_hz;
};

// Validates (as validate_welch, prefixed with `function`) and plans.
WelchSetup make_welch_setup(const common::SignalBlock& block, const WelchOptions& options,
                            std::string_view function);

// Spectra of Welch segments for one thread: owns the aligned scratch the plan runs on, so the
// per-segment path allocates nothing. Not thread-safe; make one per thread.
class SegmentSpectrum {
 public:
  explicit SegmentSpectrum(const WelchSetup& setup);

  const WelchSetup& setup() const noexcept { return setup_; }
  std::size_t bins() const noexcept { return setup_.fft->bins(); }
  // rfft((x[i] - mean(x)) * w[i]) over the nperseg samples at `x`; valid until the next call.
  const fftwf_complex* transform(const float* x);
  // Whether any sample transformed so far (or passed to note_samples) was not finite.
  bool saw_non_finite() const noexcept { return saw_non_finite_; }
  void note_samples(std::span<const float> samples) noexcept;

 private:
  const WelchSetup& setup_;
  FftwfBuffer<float> in_;
  FftwfBuffer<fftwf_complex> out_;
  bool saw_non_finite_ = false;
};

// density[0 .. bins) of one channel, per the definition of Psd.
void welch_channel(SegmentSpectrum& spectrum, std::span<const float> x, double* density);

// Splits [0, count) into `threads` contiguous ranges and calls body(begin, end) for each on its
// own thread, so per-thread scratch is made once per call rather than once per item. An
// exception thrown by `body` is rethrown here (it must not escape an OpenMP region).
template <typename Body>
void for_each_range(std::size_t count, int threads, Body&& body) {
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(threads), count);
  std::vector<std::exception_ptr> errors(workers);
  parallel_for(workers, static_cast<int>(workers), [&](std::size_t t) {
    try {
      body(t * count / workers, (t + 1) * count / workers);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  });
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

// Throws base::InvalidArgument ("<function>: non-finite sample at channel c, sample i").
[[noreturn]] void throw_non_finite(const common::SignalBlock& block, std::string_view function);

// Calls body(spectrum, channel) for every channel, channels split over `threads` with one
// SegmentSpectrum each; then throws as throw_non_finite if any sample (including the tail no
// segment covers) was not finite, in which case the results are garbage and must be dropped.
template <typename Body>
void for_each_channel_spectrum(const common::SignalBlock& block, const WelchSetup& setup,
                               int threads, std::string_view function, Body&& body) {
  const std::size_t segments = welch_segment_count(block.samples(), setup.nperseg);
  const std::size_t covered = (segments - 1) * setup.step + setup.nperseg;
  std::atomic<bool> non_finite{false};
  for_each_range(block.channels(), threads, [&](std::size_t begin, std::size_t end) {
    SegmentSpectrum spectrum(setup);
    for (std::size_t c = begin; c < end; ++c) {
      body(spectrum, c);
      spectrum.note_samples(block.channel(c).subspan(covered));
    }
    if (spectrum.saw_non_finite()) non_finite.store(true, std::memory_order_relaxed);
  });
  if (non_finite.load()) throw_non_finite(block, function);
}

}  // namespace detail
}  // namespace neuro::dsp
