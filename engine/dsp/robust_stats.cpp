// Radix selection: a vectorized pass computes every value's 12-bit bucket, a histogram of those
// finds the bucket(s) holding the wanted order statistics, one compress pass (AVX-512 where
// available) gathers their few values, and std::nth_element finishes on them. A few streaming
// passes instead of nth_element's branchy partitioning, and the input is never copied.
#include "engine/dsp/robust_stats.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/base/errors.hpp"

namespace neuro::dsp {

struct SelectionAccess {
  static std::vector<std::uint32_t>& histogram(SelectionScratch& s) { return s.histogram_; }
  static std::vector<std::uint16_t>& buckets(SelectionScratch& s) { return s.buckets_; }
  static std::vector<float>& floats(SelectionScratch& s) { return s.float_candidates_; }
  static std::vector<double>& doubles(SelectionScratch& s) { return s.double_candidates_; }
};

namespace {

constexpr int kRadixBits = 12;
constexpr std::uint32_t kBuckets = 1u << kRadixBits;
constexpr std::uint32_t kBucketMask = kBuckets - 1;
// Bit offsets of the radix levels of a 32-bit key (12 + 12 + 8 new bits).
constexpr std::array<int, 3> kShifts{20, 8, 0};
// Below this many candidates std::nth_element is cheaper than clearing and scanning 4096 buckets.
constexpr std::size_t kSmallCount = 1024;
// Level-0 buckets of float_key that hold only infinities and NaNs (either sign).
constexpr std::uint32_t kLastNegativeNonFinite = 0x007;
constexpr std::uint32_t kFirstPositiveNonFinite = 0xFF8;
// Slack after the gathered candidates for whole-vector stores.
constexpr std::size_t kLanes = 16;

// Unsigned key whose integer order is the float order (negative floats have their bits
// reversed, positive ones get the sign bit set).
std::uint32_t float_key(float v) {
  const auto bits = std::bit_cast<std::uint32_t>(v);
  // All ones for negative floats (arithmetic shift of the sign), so the loop vectorizes.
  const auto negative = static_cast<std::uint32_t>(std::bit_cast<std::int32_t>(bits) >> 31);
  return bits ^ (negative | 0x80000000u);
}

// Monotone (non-decreasing) in a deviation d >= 0: rounding to float is monotone and the bits
// of non-negative floats sort as integers. Ties are broken exactly in the final nth_element.
std::uint32_t deviation_key(double d) {
  return std::bit_cast<std::uint32_t>(static_cast<float>(d)) << 1;
}

struct KeyOfFloat {
  std::uint32_t operator()(float v) const { return float_key(v); }
};
struct KeyOfDeviation {
  std::uint32_t operator()(double d) const { return deviation_key(d); }
};

// The buckets [first, last] that hold order statistics k and (when wanted) k + 1, how many
// values lie below them, and how many lie in them.
struct BucketRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  std::size_t below = 0;
  std::size_t count = 0;
};

// Counts keys per bucket into hist[0, kBuckets) for the finer levels (on candidates). Two
// interleaved histograms halve the store-to-load stalls when neighbours share a bucket.
template <typename T, typename KeyOf>
void count_buckets(const T* values, std::size_t n, KeyOf key_of, int shift, std::uint32_t* hist) {
  std::uint32_t* hist0 = hist;
  std::uint32_t* hist1 = hist + kBuckets;
  std::memset(hist, 0, std::size_t{2} * kBuckets * sizeof(std::uint32_t));
  std::size_t i = 0;
  for (; i + 1 < n; i += 2) {
    ++hist0[(key_of(values[i]) >> shift) & kBucketMask];
    ++hist1[(key_of(values[i + 1]) >> shift) & kBucketMask];
  }
  if (i < n) ++hist0[(key_of(values[i]) >> shift) & kBucketMask];
  for (std::uint32_t b = 0; b < kBuckets; ++b) hist0[b] += hist1[b];
}

// The same from precomputed bucket indices (level 0).
void count_indices(const std::uint16_t* buckets, std::size_t n, std::uint32_t* hist) {
  std::uint32_t* hist0 = hist;
  std::uint32_t* hist1 = hist + kBuckets;
  std::memset(hist, 0, std::size_t{2} * kBuckets * sizeof(std::uint32_t));
  std::size_t i = 0;
  for (; i + 1 < n; i += 2) {
    ++hist0[buckets[i]];
    ++hist1[buckets[i + 1]];
  }
  if (i < n) ++hist0[buckets[i]];
  for (std::uint32_t b = 0; b < kBuckets; ++b) hist0[b] += hist1[b];
}

BucketRange find_range(const std::uint32_t* hist, std::size_t k, bool need_next) {
  BucketRange range;
  std::uint32_t b = 0;
  while (range.below + hist[b] <= k) range.below += hist[b++];
  range.first = range.last = b;
  range.count = hist[b];
  if (need_next && k + 1 >= range.below + hist[b]) {
    // k + 1 is the smallest value of the next non-empty bucket.
    do ++range.last;
    while (hist[range.last] == 0);
    range.count += hist[range.last];
  }
  return range;
}

// Moves the candidates whose bucket is in range to the front, in place (stores always,
// advances conditionally: no data-dependent branch). Returns how many there are.
template <typename T, typename KeyOf>
std::size_t keep_in_range(T* values, std::size_t n, KeyOf key_of, int shift,
                          const BucketRange& range) {
  const std::uint32_t width = range.last - range.first;
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = values[i];
    values[m] = v;
    m += (((key_of(v) >> shift) & kBucketMask) - range.first) <= width;
  }
  return m;
}

// Copies values[i] whose buckets[i] is in range to out, which has room for range.count +
// kLanes values. AVX-512 compresses 16 at a time; the tail (or a build without it) goes
// scalar.
void compress_in_range(const float* values, const std::uint16_t* buckets, std::size_t n,
                       const BucketRange& range, float* out) {
  const std::uint32_t width = range.last - range.first;
  std::size_t m = 0;
  std::size_t i = 0;
#if defined(__AVX512F__)
  // The zero-masked forms: GCC 12 flags the undefined pass-through of the plain ones as
  // maybe-uninitialized under -Werror.
  constexpr __mmask16 kAllLanes = 0xFFFF;
  const __m512i first_v = _mm512_maskz_set1_epi32(kAllLanes, static_cast<int>(range.first));
  const __m512i width_v = _mm512_maskz_set1_epi32(kAllLanes, static_cast<int>(width));
  for (; i + 16 <= n; i += 16) {
    const __m512i b = _mm512_maskz_cvtepu16_epi32(
        kAllLanes, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(buckets + i)));
    const __mmask16 keep = _mm512_cmple_epu32_mask(_mm512_sub_epi32(b, first_v), width_v);
    // Compress in a register, then a plain store: compress-to-memory is slow on AMD Zen 4.
    _mm512_storeu_ps(out + m, _mm512_maskz_compress_ps(keep, _mm512_loadu_ps(values + i)));
    m += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(keep)));
  }
#endif
  for (; i < n; ++i) {
    out[m] = values[i];
    m += (static_cast<std::uint32_t>(buckets[i]) - range.first) <= width;
  }
}

template <typename T>
std::pair<T, T> select_small(T* values, std::size_t n, std::size_t k, bool need_next) {
  std::nth_element(values, values + k, values + n);
  const T at_k = values[k];
  // nth_element leaves everything after k no smaller than it: k + 1 is their minimum.
  const T next = need_next ? *std::min_element(values + k + 1, values + n) : at_k;
  return {at_k, next};
}

// Order statistics k and (if need_next) k + 1 of the n candidates, by the finer radix levels
// while there are many of them, then nth_element.
template <typename T, typename KeyOf>
std::pair<T, T> refine(T* cand, std::size_t n, std::size_t k, bool need_next, KeyOf key_of,
                       std::uint32_t* hist) {
  for (std::size_t level = 1; level < kShifts.size() && n > kSmallCount; ++level) {
    count_buckets(cand, n, key_of, kShifts[level], hist);
    const BucketRange range = find_range(hist, k, need_next);
    if (range.count == n) continue;  // every candidate shares these bits: look finer
    n = keep_in_range(cand, n, key_of, kShifts[level], range);
    k -= range.below;
  }
  return select_small(cand, n, k, need_next);
}

// Level 0 over the float32 input: the bucket of every value (a loop the compiler vectorizes),
// their histogram, then the values of the wanted buckets into floats. Returns the range, or
// nullopt when check_finite finds infinities or NaNs in the histogram.
template <typename BucketOf>
std::optional<BucketRange> first_level(std::span<const float> values, BucketOf bucket_of,
                                       std::size_t k, bool need_next, bool check_finite,
                                       SelectionScratch& scratch) {
  const std::size_t n = values.size();
  auto& buckets = SelectionAccess::buckets(scratch);
  auto& hist = SelectionAccess::histogram(scratch);
  auto& out = SelectionAccess::floats(scratch);
  buckets.resize(n);
  std::uint16_t* idx = buckets.data();
  const float* x = values.data();
  for (std::size_t i = 0; i < n; ++i) idx[i] = static_cast<std::uint16_t>(bucket_of(x[i]));
  count_indices(idx, n, hist.data());
  if (check_finite) {
    std::size_t non_finite = 0;
    for (std::uint32_t b = 0; b <= kLastNegativeNonFinite; ++b) non_finite += hist[b];
    for (std::uint32_t b = kFirstPositiveNonFinite; b < kBuckets; ++b) non_finite += hist[b];
    if (non_finite != 0) return std::nullopt;
  }
  const BucketRange range = find_range(hist.data(), k, need_next);
  out.resize(range.count + kLanes);
  compress_in_range(x, idx, n, range, out.data());
  return range;
}

void check_size(std::size_t n, const char* function) {
  if (n == 0) throw base::InvalidArgument(std::string(function) + ": empty input");
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw base::InvalidArgument(std::string(function) + ": " + std::to_string(n) +
                                " values, at most 2^32 - 1 supported");
  }
}

// numpy's median: the middle value, or the mean of the two middle values.
template <typename T>
double middle(std::pair<T, T> selected, std::size_t n) {
  const auto [a, b] = selected;
  return n % 2 == 1 ? static_cast<double>(a)
                    : (static_cast<double>(a) + static_cast<double>(b)) / 2.0;
}

}  // namespace

SelectionScratch::SelectionScratch() : histogram_(std::size_t{2} * kBuckets) {}

std::optional<double> median_if_finite(std::span<const float> values, SelectionScratch& scratch) {
  check_size(values.size(), "median");
  const std::size_t n = values.size();
  const std::size_t k = (n - 1) / 2;
  const bool even = n % 2 == 0;
  auto& cand = SelectionAccess::floats(scratch);
  if (n <= kSmallCount) {
    if (!std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); })) {
      return std::nullopt;
    }
    cand.assign(values.begin(), values.end());
    return middle(select_small(cand.data(), n, k, even), n);
  }
  const auto range = first_level(
      values, [](float v) { return float_key(v) >> kShifts[0]; }, k, even, true, scratch);
  if (!range) return std::nullopt;
  return middle(refine(cand.data(), range->count, k - range->below, even, KeyOfFloat{},
                       SelectionAccess::histogram(scratch).data()),
                n);
}

double median(std::span<const float> values, SelectionScratch& scratch) {
  const auto result = median_if_finite(values, scratch);
  if (!result) throw base::InvalidArgument("median: input holds a non-finite value");
  return *result;
}

double median_abs_deviation(std::span<const float> values, double center,
                            SelectionScratch& scratch) {
  check_size(values.size(), "median_abs_deviation");
  const std::size_t n = values.size();
  const std::size_t k = (n - 1) / 2;
  const bool even = n % 2 == 0;
  const auto deviation = [center](float v) { return std::abs(static_cast<double>(v) - center); };
  auto& cand = SelectionAccess::doubles(scratch);
  if (n <= kSmallCount) {
    cand.resize(n);
    std::transform(values.begin(), values.end(), cand.begin(), deviation);
    return middle(select_small(cand.data(), n, k, even), n);
  }
  // Level 0 buckets the deviations but gathers the float32 samples; only the few candidates
  // get their float64 deviation stored.
  const auto range = first_level(
      values, [deviation](float v) { return deviation_key(deviation(v)) >> kShifts[0]; }, k, even,
      false, scratch);
  const auto& samples = SelectionAccess::floats(scratch);
  cand.resize(range->count);
  std::transform(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(range->count),
                 cand.begin(), deviation);
  return middle(refine(cand.data(), range->count, k - range->below, even, KeyOfDeviation{},
                       SelectionAccess::histogram(scratch).data()),
                n);
}

double median(std::span<const double> values, SelectionScratch& scratch) {
  check_size(values.size(), "median");
  auto& copy = SelectionAccess::doubles(scratch);
  copy.assign(values.begin(), values.end());
  if (!std::all_of(copy.begin(), copy.end(), [](double v) { return std::isfinite(v); })) {
    throw base::InvalidArgument("median: input holds a non-finite value");
  }
  const std::size_t n = copy.size();
  const auto [a, b] = select_small(copy.data(), n, (n - 1) / 2, n % 2 == 0);
  return n % 2 == 1 ? a : (a + b) / 2.0;
}

std::optional<RobustStats> robust_stats_if_finite(std::span<const float> values,
                                                  SelectionScratch& scratch) {
  const auto center = median_if_finite(values, scratch);
  if (!center) return std::nullopt;
  return RobustStats{*center, kMadToSd * median_abs_deviation(values, *center, scratch)};
}

}  // namespace neuro::dsp
