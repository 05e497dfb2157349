#include "tools/compare/sample_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuro::compare {

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

double robust_cv(std::span<const double> values) {
  if (values.size() < 3) return 0.0;
  const double m = median({values.begin(), values.end()});
  if (m == 0.0 || !std::isfinite(m)) return 0.0;
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::abs(v - m));
  return 1.4826 * median(std::move(deviations)) / std::abs(m);
}

std::vector<double> finite_only(std::span<const double> values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values) {
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

}  // namespace neuro::compare
