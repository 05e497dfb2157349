#include "tools/compare/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::compare {
namespace {

// P(U >= u) under the null for sizes m, n without ties. The counts of U are the coefficients of
// the Gaussian binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i); building it
// factor by factor costs O(m * m * n) instead of the O(m * n * mn) table of the recurrence.
double exact_sf(double u, std::size_t m, std::size_t n) {
  if (m > n) std::swap(m, n);
  const std::size_t max_u = m * n;
  std::vector<long double> c(max_u + 1, 0.0L);
  c[0] = 1.0L;
  for (std::size_t i = 1; i <= m; ++i) {
    for (std::size_t k = max_u; k >= n + i; --k) c[k] -= c[k - (n + i)];  // * (1 - q^(n+i))
    for (std::size_t k = i; k <= max_u; ++k) c[k] += c[k - i];            // / (1 - q^i)
  }
  const long double total = std::accumulate(c.begin(), c.end(), 0.0L);
  // The distribution is symmetric: P(U >= u) = P(U <= mn - u), summed from the small end.
  const double k_max = static_cast<double>(max_u) - u;
  if (k_max < 0) return 0.0;
  long double tail = 0.0L;
  for (std::size_t k = 0; k <= max_u && static_cast<double>(k) <= k_max; ++k) tail += c[k];
  return static_cast<double>(tail / total);
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

UTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y,
                           Alternative alternative) {
  const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
  if (n1 == 0 || n2 == 0) throw base::InvalidArgument("Mann-Whitney U: a sample is empty");
  std::vector<std::pair<double, bool>> all;  // value, belongs to x
  all.reserve(n);
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  for (const auto& [v, from_x] : all) {
    if (!std::isfinite(v)) throw base::InvalidArgument("Mann-Whitney U: non-finite value");
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Average ranks for ties (scipy's rankdata 'average'), and the tie term sum(t^3 - t).
  double rank_sum_x = 0.0, tie_term = 0.0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (all[k].second) rank_sum_x += rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  UTestResult result;
  result.u1 = rank_sum_x - d1 * (d1 + 1) / 2;
  const double u = alternative == Alternative::kGreater ? result.u1 : d1 * d2 - result.u1;
  const bool ties = tie_term > 0;
  result.method = (n1 > 8 && n2 > 8) || ties ? UTestMethod::kAsymptotic : UTestMethod::kExact;
  if (result.method == UTestMethod::kExact) {
    result.p_value = exact_sf(u, n1, n2);
  } else {
    const double dn = static_cast<double>(n);
    const double s = std::sqrt(d1 * d2 / 12.0 * ((dn + 1) - tie_term / (dn * (dn - 1))));
    const double z = (u - d1 * d2 / 2.0 - 0.5) / s;
    // All values equal: s == 0, z = -inf, p = 1 (scipy gives the same through the norm SF).
    result.p_value = s > 0 ? normal_sf(z) : 1.0;
  }
  result.p_value = std::clamp(result.p_value, 0.0, 1.0);
  return result;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1.0;
  std::vector<double> x(n1), y(n2);
  std::iota(x.begin(), x.end(), static_cast<double>(n2));  // every x above every y
  std::iota(y.begin(), y.end(), 0.0);
  return mann_whitney_u(x, y, Alternative::kGreater).p_value;
}

}  // namespace neuro::compare
