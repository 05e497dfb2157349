// Medians and median absolute deviations of float32 signals by selection, never sorting: exact
// in float64, i.e. equal to numpy's np.median of the float64 copy of the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace neuro::dsp {

// Scale from the MAD to the standard deviation for normally distributed data.
inline constexpr double kMadToSd = 1.4826;

// Buffers reused across calls so that a warmed-up scratch allocates nothing. Not thread-safe:
// one per thread.
class SelectionScratch {
 public:
  SelectionScratch();

 private:
  friend struct SelectionAccess;
  std::vector<std::uint32_t> histogram_;
  std::vector<std::uint16_t> buckets_;  // level-0 bucket of every input value
  std::vector<float> float_candidates_;
  std::vector<double> double_candidates_;
};

// The median (for an even count, the mean of the two middle values, as numpy does). Throws
// base::InvalidArgument when values is empty, holds more than 2^32 - 1 values, or holds a
// non-finite value.
double median(std::span<const float> values, SelectionScratch& scratch);

// As median(), but std::nullopt (instead of an exception) when a value is not finite: the
// histogram pass sees NaN and infinities for free. For callers inside parallel regions, where
// an exception must not escape. Still throws for an empty or oversized span.
std::optional<double> median_if_finite(std::span<const float> values, SelectionScratch& scratch);

// The median of |values[i] - center|, each deviation taken in float64. Values must be finite.
double median_abs_deviation(std::span<const float> values, double center,
                            SelectionScratch& scratch);

// Median of a small float64 vector (a copy is partially ordered with std::nth_element).
double median(std::span<const double> values, SelectionScratch& scratch);

struct RobustStats {
  double median = 0.0;
  double robust_sd = 0.0;  // kMadToSd * MAD about the median, in the values' unit
};

// Median and robust SD; nullopt when a value is not finite (see median_if_finite).
std::optional<RobustStats> robust_stats_if_finite(std::span<const float> values,
                                                  SelectionScratch& scratch);

}  // namespace neuro::dsp
