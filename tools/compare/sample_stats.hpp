// Robust statistics of a handful of repetitions: the median (what changes are measured on) and
// the spread as a robust coefficient of variation, so that one outlier does not make a benchmark
// "noisy".
#pragma once

#include <span>
#include <vector>

namespace neuro::compare {

// NaN when empty. Takes a copy because it partially sorts.
double median(std::vector<double> values);

// 1.4826 * MAD / |median| (equals the CV for normal data); 0 for fewer than 3 values or a zero
// median.
double robust_cv(std::span<const double> values);

// The finite values only (counters may be NaN when a benchmark could not compute them).
std::vector<double> finite_only(std::span<const double> values);

}  // namespace neuro::compare
