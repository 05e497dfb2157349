// One-sided Mann-Whitney U test, matching scipy.stats.mannwhitneyu(method="auto") of scipy 1.10:
// the exact null distribution of U when a sample has at most 8 values and there are no ties,
// else the normal approximation with tie and continuity correction.
#pragma once

#include <span>

namespace neuro::compare {

enum class Alternative {
  kGreater,  // x tends to be larger than y
  kLess,     // x tends to be smaller than y
};

enum class UTestMethod { kExact, kAsymptotic };

struct UTestResult {
  double u1 = 0.0;  // U statistic of x (scipy's `statistic`)
  double p_value = 1.0;
  UTestMethod method = UTestMethod::kExact;
};

// Requires both samples non-empty and finite (the caller filters); throws
// base::InvalidArgument otherwise.
UTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y,
                           Alternative alternative);

// The smallest p-value the test can give for these sample sizes (completely separated samples):
// when it is not below alpha, no data can make a difference significant.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);

}  // namespace neuro::compare
