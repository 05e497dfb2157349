// A log-linear latency histogram in the HdrHistogram layout: every value from 1 ns to the
// highest trackable one (default 1 h) is kept to 3 significant digits in fixed memory, so
// recording costs a few instructions and histograms from threads, runs or shards merge exactly
// (add the bucket counts). Percentiles come from the buckets, never from stored samples. The
// buckets are allocated at the first observation, so an unused histogram costs nothing.
#pragma once

#include <cstdint>
#include <vector>

namespace neuro::base {

class LatencyHistogram {
 public:
  static constexpr std::int64_t kOneHourNs = 3'600'000'000'000;

  // Throws InvalidArgument unless 1 <= significant_digits <= 5 and highest_ns >= 2048.
  explicit LatencyHistogram(std::int64_t highest_ns = kOneHourNs, int significant_digits = 3);

  // Adds `count` observations of value_ns. Values below 0 or above highest_ns() are not recorded:
  // they are counted in out_of_range() and the call returns false.
  bool record(std::int64_t value_ns, std::int64_t count = 1) {
    if (value_ns < 0 || value_ns > highest_ns_) {
      out_of_range_ += count;
      return false;
    }
    if (counts_.empty()) allocate();
    counts_[index_of(value_ns)] += count;
    total_ += count;
    if (value_ns < min_ns_) min_ns_ = value_ns;
    if (value_ns > max_ns_) max_ns_ = value_ns;
    sum_ns_ += static_cast<double>(value_ns) * static_cast<double>(count);
    return true;
  }

  // Adds every count of `other`. Throws InvalidArgument when the two layouts differ.
  void merge(const LatencyHistogram& other);
  void reset() noexcept;

  std::int64_t count() const noexcept { return total_; }
  std::int64_t out_of_range() const noexcept { return out_of_range_; }
  std::int64_t min_ns() const noexcept { return total_ ? min_ns_ : 0; }
  std::int64_t max_ns() const noexcept { return total_ ? max_ns_ : 0; }
  double mean_ns() const noexcept { return total_ ? sum_ns_ / static_cast<double>(total_) : 0.0; }
  std::int64_t highest_ns() const noexcept { return highest_ns_; }
  int significant_digits() const noexcept { return significant_digits_; }

  // The value at percentile p (0..100) as HdrHistogram defines it: the highest value equivalent
  // to the bucket that holds the observation of rank ceil(p / 100 * count) (at least 1), capped
  // by max_ns(). 0 for an empty histogram. Throws InvalidArgument for p outside [0, 100].
  std::int64_t percentile_ns(double p) const;

  // The buckets, for serialising and charts: index i covers [lower_ns(i), upper_ns(i)].
  std::size_t bucket_count() const noexcept { return bucket_count_; }
  std::int64_t count_at(std::size_t i) const noexcept { return counts_.empty() ? 0 : counts_[i]; }
  std::int64_t lower_ns(std::size_t i) const noexcept;
  std::int64_t upper_ns(std::size_t i) const noexcept;
  // The bucket index of a value (for rebuilding a histogram from serialised buckets: record
  // lower_ns(i) count_at(i) times). Precondition: 0 <= value_ns <= highest_ns().
  std::size_t index_of(std::int64_t value_ns) const noexcept {
    // Magnitude: how many doublings above the first (exact) range the value sits.
    const int magnitude = 63 -
                          __builtin_clzll(static_cast<std::uint64_t>(value_ns) | sub_bucket_mask_) -
                          sub_bucket_half_magnitude_;
    const std::int64_t sub = value_ns >> magnitude;
    return static_cast<std::size_t>(
        (static_cast<std::int64_t>(magnitude) << sub_bucket_half_magnitude_) + sub);
  }

 private:
  void allocate();

  std::int64_t highest_ns_;
  int significant_digits_;
  int sub_bucket_half_magnitude_;  // log2(sub_bucket_count) - 1
  std::uint64_t sub_bucket_mask_;  // sub_bucket_count - 1
  std::size_t bucket_count_ = 0;
  // Empty until something is recorded or merged in: the default layout is ~33,000 buckets
  // (264 KB), and a load run holds several histograms per step per thread that mostly stay
  // empty (zeroing them all was ~10 ms of a short run's CPU).
  std::vector<std::int64_t> counts_;
  std::int64_t total_ = 0;
  std::int64_t out_of_range_ = 0;
  std::int64_t min_ns_ = INT64_MAX;
  std::int64_t max_ns_ = 0;
  double sum_ns_ = 0.0;
};

}  // namespace neuro::base
