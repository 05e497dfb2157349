// Channel-parallel loops for the DSP kernels: OpenMP's persistent pool, so a 2 ms filter call
// does not pay for thread creation. threads <= 1 runs inline.
#pragma once

#include <cstddef>

namespace neuro::dsp {

// Calls body(i) for every i in [0, count) on up to `threads` threads, static schedule.
template <typename Body>
void parallel_for(std::size_t count, int threads, Body&& body) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  const auto n = static_cast<long long>(count);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long long i = 0; i < n; ++i) body(static_cast<std::size_t>(i));
}

}  // namespace neuro::dsp
