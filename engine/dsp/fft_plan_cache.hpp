// FFTW single-precision plans made once per shape and shared by every thread: RAII owners for
// plans and fftwf_malloc'd buffers, and the cache that hands out immutable real-FFT plans.
#pragma once

#include <fftw3.h>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace neuro::dsp {

// FFTW's planner (and fftwf_destroy_plan) share process-wide state and are not thread-safe;
// every FFTW call other than fftwf_execute_* must hold this mutex. It is global because FFTW's
// own state is: two caches must not plan at the same time either.
std::mutex& fftw_planner_mutex();

struct FftwfFree {
  void operator()(void* memory) const noexcept { fftwf_free(memory); }
};

// A buffer from fftwf_malloc: SIMD-aligned, so plans made on one run on any other.
template <typename T>
using FftwfBuffer = std::unique_ptr<T[], FftwfFree>;

// Throws std::bad_alloc when FFTW cannot allocate.
FftwfBuffer<float> make_real_buffer(std::size_t count);
FftwfBuffer<fftwf_complex> make_complex_buffer(std::size_t count);

// Owns one fftwf_plan; destroys it under fftw_planner_mutex().
class FftwfPlan {
 public:
  FftwfPlan() = default;
  explicit FftwfPlan(fftwf_plan plan) noexcept : plan_(plan) {}
  FftwfPlan(FftwfPlan&& other) noexcept : plan_(other.plan_) { other.plan_ = nullptr; }
  FftwfPlan& operator=(FftwfPlan&& other) noexcept;
  FftwfPlan(const FftwfPlan&) = delete;
  FftwfPlan& operator=(const FftwfPlan&) = delete;
  ~FftwfPlan() { reset(); }

  fftwf_plan get() const noexcept { return plan_; }
  void reset() noexcept;

 private:
  fftwf_plan plan_ = nullptr;
};

// Forward real-to-complex transform of size() samples into bins() = size() / 2 + 1 values,
// unnormalized (as numpy.fft.rfft). Immutable once made, so any number of threads may call
// execute() at once (FFTW's new-array execute functions are thread-safe).
class RealFft {
 public:
  RealFft(FftwfPlan plan, std::size_t size) noexcept : plan_(std::move(plan)), size_(size) {}

  std::size_t size() const noexcept { return size_; }
  std::size_t bins() const noexcept { return size_ / 2 + 1; }

  // `in` (size() floats, overwritten) and `out` (bins() values) must be aligned as fftwf_malloc
  // aligns (the alignment the plan was made for); throws std::logic_error otherwise, since
  // FFTW would silently run SIMD code on misaligned data.
  void execute(float* in, fftwf_complex* out) const;

 private:
  FftwfPlan plan_;
  std::size_t size_;
};

// Plans keyed by transform size, created on first use and kept for the cache's lifetime. Callers
// may own a cache (tests do, to observe reuse); most use process_default().
class FftPlanCache {
 public:
  // planner_flags: FFTW_ESTIMATE (default) picks the plan by heuristics, so every process gets
  // the same algorithm: results are reproducible bit for bit across runs and benchmark baselines
  // do not move with the planner's luck. FFTW_MEASURE times candidates instead (~0.1 s per size);
  // on our noisy 2-core VMs it picked plans up to 20 % slower than ESTIMATE's for n = 1000.
  explicit FftPlanCache(unsigned planner_flags = FFTW_ESTIMATE);
  FftPlanCache(const FftPlanCache&) = delete;
  FftPlanCache& operator=(const FftPlanCache&) = delete;

  // The plan for `size` samples (1 .. INT_MAX); the reference stays valid while the cache lives.
  // Planning holds this cache's lock, so the first call for a size (ESTIMATE: ~4 ms at 1000,
  // MEASURE: ~0.1 s) briefly delays other threads' lookups on the same cache.
  const RealFft& real_forward(std::size_t size);

  // Number of plans made so far.
  std::size_t plan_count() const;

  // The one process-wide instance (FFTW_ESTIMATE), the only global state of our FFT code. It
  // exists because planning costs milliseconds per shape (as much as a whole 32 x 30 s welch()):
  // without a shared cache every call would replan, and FFTW's own planner state is
  // process-wide anyway. Its plans are immutable, so sharing them across threads is safe.
  static FftPlanCache& process_default();

 private:
  unsigned planner_flags_;
  mutable std::mutex mutex_;
  // A node-based map: handed-out references survive later insertions.
  std::map<std::size_t, const RealFft> real_forward_;
};

}  // namespace neuro::dsp
