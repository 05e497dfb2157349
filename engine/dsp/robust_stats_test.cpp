// Medians and MADs by radix selection against a plain sort-based reference, on the sizes and
// value patterns that take each path (small sets, one radix level, several, ties, signed zeros).
#include "engine/dsp/robust_stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::dsp {
namespace {

// numpy's definition, by full sort in float64.
double sorted_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double sorted_median(const std::vector<float>& values) {
  return sorted_median(std::vector<double>(values.begin(), values.end()));
}

double sorted_mad(const std::vector<float>& values, double center) {
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (float v : values) deviations.push_back(std::abs(static_cast<double>(v) - center));
  return sorted_median(deviations);
}

struct Pattern {
  std::string name;
  float (*draw)(std::mt19937_64&);
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all{
      {"normal", [](std::mt19937_64& g) { return std::normal_distribution<float>(0, 20)(g); }},
      // Every value in one or two top-level buckets: forces the finer radix levels.
      {"dc_offset",
       [](std::mt19937_64& g) { return 3000.0f + std::normal_distribution<float>(0, 5)(g); }},
      {"quantized_ties",
       [](std::mt19937_64& g) {
         return std::round(std::normal_distribution<float>(0, 3)(g) * 2.0f) / 2.0f;
       }},
      {"two_values", [](std::mt19937_64& g) { return g() % 2 == 0 ? -1.5f : 4.0f; }},
      {"constant", [](std::mt19937_64&) { return 7.25f; }},
      {"signed_zeros",
       [](std::mt19937_64& g) { return g() % 3 == 0 ? -0.0f : (g() % 2 ? 0.0f : 1.0f); }},
      {"all_negative",
       [](std::mt19937_64& g) { return -std::exponential_distribution<float>(0.1f)(g); }},
      {"huge_range",
       [](std::mt19937_64& g) {
         const float magnitude = std::pow(10.0f, std::uniform_real_distribution<float>(-30, 30)(g));
         return g() % 2 ? magnitude : -magnitude;
       }},
  };
  return all;
}

TEST(RobustStats, MedianAndMadMatchSortedReference) {
  // Sizes straddle the small-set cutoff (1024) and cover odd and even counts.
  const std::vector<std::size_t> sizes{1, 2, 3, 4, 7, 1023, 1024, 1025, 1026, 4097, 30000, 30001};
  SelectionScratch scratch;  // shared on purpose: reuse across sizes must not leak state
  std::mt19937_64 gen(7);
  for (const auto& pattern : patterns()) {
    for (const std::size_t n : sizes) {
      std::vector<float> values(n);
      for (float& v : values) v = pattern.draw(gen);
      const std::vector<float> before = values;
      SCOPED_TRACE(pattern.name + " n=" + std::to_string(n));

      const double m = median(values, scratch);
      EXPECT_EQ(m, sorted_median(values));  // exact: selection does no arithmetic but the mean
      EXPECT_EQ(median_abs_deviation(values, m, scratch), sorted_mad(values, m));
      // An arbitrary centre (not a data value) exercises the float64 deviation keys.
      EXPECT_EQ(median_abs_deviation(values, 0.3, scratch), sorted_mad(values, 0.3));
      EXPECT_EQ(values, before) << "input must not be reordered";

      const auto stats = robust_stats_if_finite(values, scratch);
      ASSERT_TRUE(stats.has_value());
      EXPECT_EQ(stats->median, m);
      EXPECT_EQ(stats->robust_sd, kMadToSd * sorted_mad(values, m));
    }
  }
}

TEST(RobustStats, EvenCountAveragesTheTwoMiddleValues) {
  SelectionScratch scratch;
  const std::vector<float> values{4.0f, 1.0f, 3.0f, 2.0f};
  EXPECT_EQ(median(values, scratch), 2.5);
  // |v - 2.5| = {1.5, 1.5, 0.5, 0.5} -> 1.0
  EXPECT_EQ(median_abs_deviation(values, 2.5, scratch), 1.0);
  const std::vector<double> doubles{10.0, -2.0, 6.0, 1.0, 8.0};
  EXPECT_EQ(median(std::span<const double>(doubles), scratch), 6.0);
}

TEST(RobustStats, EvenMedianIsFloat64MeanOfNeighbours) {
  // The two middle values of a large even set sit in different radix buckets here.
  SelectionScratch scratch;
  std::vector<float> values(2000, -1000.0f);
  std::fill(values.begin() + 1000, values.end(), 1.0e-3f);
  EXPECT_EQ(median(values, scratch), (-1000.0 + static_cast<double>(1.0e-3f)) / 2.0);
}

TEST(RobustStats, NonFiniteValuesAreReportedNotSelected) {
  SelectionScratch scratch;
  for (const std::size_t n : {5u, 3000u}) {
    for (const float bad :
         {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()}) {
      std::vector<float> values(n, 1.0f);
      values[n / 3] = bad;
      SCOPED_TRACE("n=" + std::to_string(n) + " value=" + std::to_string(bad));
      EXPECT_FALSE(median_if_finite(values, scratch).has_value());
      EXPECT_FALSE(robust_stats_if_finite(values, scratch).has_value());
      try {
        median(values, scratch);
        ADD_FAILURE() << "expected InvalidArgument";
      } catch (const base::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("median: input holds a non-finite value"),
                  std::string::npos);
      }
    }
  }
  const std::vector<double> doubles{1.0, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(median(std::span<const double>(doubles), scratch), base::InvalidArgument);
}

TEST(RobustStats, EmptyInputThrows) {
  SelectionScratch scratch;
  const std::vector<float> empty;
  try {
    median(empty, scratch);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const base::InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "median: empty input");
  }
  EXPECT_THROW(median_abs_deviation(empty, 0.0, scratch), base::InvalidArgument);
  EXPECT_THROW(median(std::span<const double>(), scratch), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
