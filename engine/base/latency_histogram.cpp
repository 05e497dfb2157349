#include "engine/base/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::base {

LatencyHistogram::LatencyHistogram(std::int64_t highest_ns, int significant_digits)
    : highest_ns_(highest_ns), significant_digits_(significant_digits) {
  if (significant_digits < 1 || significant_digits > 5) {
    throw InvalidArgument("latency histogram: significant digits must be 1..5, got " +
                          std::to_string(significant_digits));
  }
  // Enough sub-buckets per doubling that two neighbours differ by less than one unit in the
  // last significant digit: 2 * 10^digits, rounded up to a power of two.
  const auto resolution = static_cast<std::uint64_t>(2 * std::pow(10, significant_digits));
  const std::uint64_t sub_bucket_count = std::bit_ceil(resolution);
  sub_bucket_half_magnitude_ = std::countr_zero(sub_bucket_count) - 1;
  sub_bucket_mask_ = sub_bucket_count - 1;
  if (highest_ns < static_cast<std::int64_t>(sub_bucket_count)) {
    throw InvalidArgument("latency histogram: highest trackable value must be at least " +
                          std::to_string(sub_bucket_count) + " ns, got " +
                          std::to_string(highest_ns));
  }
  bucket_count_ = index_of(highest_ns) + 1;
}

void LatencyHistogram::allocate() { counts_.assign(bucket_count_, 0); }

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.highest_ns_ != highest_ns_ || other.significant_digits_ != significant_digits_) {
    throw InvalidArgument("latency histogram: cannot merge histograms of different layouts (" +
                          std::to_string(highest_ns_) + " ns/" +
                          std::to_string(significant_digits_) + " digits vs " +
                          std::to_string(other.highest_ns_) + " ns/" +
                          std::to_string(other.significant_digits_) + " digits)");
  }
  if (!other.counts_.empty()) {
    if (counts_.empty()) {
      counts_ = other.counts_;
    } else {
      for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    }
  }
  total_ += other.total_;
  out_of_range_ += other.out_of_range_;
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ += other.sum_ns_;
}

void LatencyHistogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);  // kept: a reused histogram records again
  total_ = 0;
  out_of_range_ = 0;
  min_ns_ = INT64_MAX;
  max_ns_ = 0;
  sum_ns_ = 0.0;
}

std::int64_t LatencyHistogram::lower_ns(std::size_t i) const noexcept {
  const std::size_t sub_bucket_count = sub_bucket_mask_ + 1;
  if (i < sub_bucket_count) return static_cast<std::int64_t>(i);
  const int magnitude = static_cast<int>(i >> sub_bucket_half_magnitude_) - 1;
  const auto sub = static_cast<std::int64_t>(
      i - (static_cast<std::size_t>(magnitude) << sub_bucket_half_magnitude_));
  return sub << magnitude;
}

std::int64_t LatencyHistogram::upper_ns(std::size_t i) const noexcept {
  const std::size_t sub_bucket_count = sub_bucket_mask_ + 1;
  if (i < sub_bucket_count) return static_cast<std::int64_t>(i);
  const int magnitude = static_cast<int>(i >> sub_bucket_half_magnitude_) - 1;
  return lower_ns(i) + (std::int64_t{1} << magnitude) - 1;
}

std::int64_t LatencyHistogram::percentile_ns(double p) const {
  if (!(p >= 0.0 && p <= 100.0)) {
    throw InvalidArgument("latency histogram: percentile must be within 0..100, got " +
                          std::to_string(p));
  }
  if (total_ == 0) return 0;
  // Nearest rank; the small slack keeps p = 99 of 100 observations at rank 99, not 100, when
  // p / 100 * count comes out a hair above an integer.
  const double exact_rank = p / 100.0 * static_cast<double>(total_);
  const auto rank =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(exact_rank - 1e-9)));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(upper_ns(i), max_ns_);
  }
  return max_ns_;
}

}  // namespace neuro::base
