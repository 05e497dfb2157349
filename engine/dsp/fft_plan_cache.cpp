// FFTW plan cache: planning under the process-wide planner mutex, execution lock-free.
#include "engine/dsp/fft_plan_cache.hpp"

#include <climits>
#include <new>
#include <stdexcept>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {

std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

namespace {

template <typename T>
FftwfBuffer<T> make_buffer(std::size_t count) {
  auto* memory = static_cast<T*>(fftwf_malloc(sizeof(T) * (count == 0 ? 1 : count)));
  if (memory == nullptr) {
    throw std::bad_alloc();
  }
  return FftwfBuffer<T>(memory);
}

}  // namespace

FftwfBuffer<float> make_real_buffer(std::size_t count) { return make_buffer<float>(count); }

FftwfBuffer<fftwf_complex> make_complex_buffer(std::size_t count) {
  return make_buffer<fftwf_complex>(count);
}

FftwfPlan& FftwfPlan::operator=(FftwfPlan&& other) noexcept {
  if (this != &other) {
    reset();
    plan_ = other.plan_;
    other.plan_ = nullptr;
  }
  return *this;
}

void FftwfPlan::reset() noexcept {
  if (plan_ == nullptr) {
    return;
  }
  const std::lock_guard lock(fftw_planner_mutex());
  fftwf_destroy_plan(plan_);
  plan_ = nullptr;
}

void RealFft::execute(float* in, fftwf_complex* out) const {
  // Plans are made on fftwf_malloc'd buffers (alignment offset 0).
  if (fftwf_alignment_of(in) != 0 || fftwf_alignment_of(reinterpret_cast<float*>(out)) != 0) {
    throw std::logic_error("RealFft::execute: buffers must be aligned as fftwf_malloc aligns");
  }
  fftwf_execute_dft_r2c(plan_.get(), in, out);
}

FftPlanCache::FftPlanCache(unsigned planner_flags) : planner_flags_(planner_flags) {
  // Constructing the mutex first makes it outlive a static cache (plans destroyed at exit lock it).
  fftw_planner_mutex();
}

const RealFft& FftPlanCache::real_forward(std::size_t size) {
  if (size == 0 || size > static_cast<std::size_t>(INT_MAX)) {
    throw base::InvalidArgument("FftPlanCache::real_forward: size = " + std::to_string(size) +
                                " must be in [1, INT_MAX] (FFTW takes int sizes)");
  }
  const std::lock_guard lock(mutex_);
  auto it = real_forward_.find(size);
  if (it != real_forward_.end()) {
    return it->second;
  }

  // FFTW_MEASURE would overwrite the arrays while it times candidates, hence scratch buffers; the
  // plan keeps no pointer to them (we always execute with new arrays).
  auto in = make_real_buffer(size);
  auto out = make_complex_buffer(size / 2 + 1);
  FftwfPlan plan;
  {
    const std::lock_guard planner_lock(fftw_planner_mutex());
    plan = FftwfPlan(fftwf_plan_dft_r2c_1d(static_cast<int>(size), in.get(), out.get(),
                                           planner_flags_ | FFTW_DESTROY_INPUT));
  }
  if (plan.get() == nullptr) {
    throw std::runtime_error("FftPlanCache::real_forward: FFTW could not plan size " +
                             std::to_string(size));
  }
  return real_forward_.try_emplace(size, std::move(plan), size).first->second;
}

std::size_t FftPlanCache::plan_count() const {
  const std::lock_guard lock(mutex_);
  return real_forward_.size();
}

FftPlanCache& FftPlanCache::process_default() {
  static FftPlanCache cache;
  return cache;
}

}  // namespace neuro::dsp
