// Our U test against scipy.stats.mannwhitneyu (method="auto", scipy 1.10.1): golden data made by
// fixtures/compare/make_mannwhitney.py.
#include "tools/compare/mann_whitney.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace neuro::compare {
namespace {

TEST(MannWhitney, MatchesScipyGoldenValues) {
  std::ifstream in(std::string(NEURO_FIXTURES_DIR) + "/compare/mannwhitneyu.json");
  ASSERT_TRUE(in) << "fixtures/compare/mannwhitneyu.json";
  const auto doc = nlohmann::json::parse(in);
  ASSERT_GT(doc["cases"].size(), 100u);
  for (const auto& c : doc["cases"]) {
    const auto x = c["x"].get<std::vector<double>>();
    const auto y = c["y"].get<std::vector<double>>();
    const auto alt = c["alternative"] == "greater" ? Alternative::kGreater : Alternative::kLess;
    const auto r = mann_whitney_u(x, y, alt);
    const std::string label = c.dump().substr(0, 160);
    EXPECT_EQ(r.method == UTestMethod::kExact ? "exact" : "asymptotic", c["method"]) << label;
    EXPECT_DOUBLE_EQ(r.u1, c["u1"].get<double>()) << label;
    const double p = c["p"].get<double>();
    EXPECT_NEAR(r.p_value, p, 1e-12 + 1e-9 * p) << label;
  }
}

TEST(MannWhitney, SmallestPValueBySampleSize) {
  EXPECT_DOUBLE_EQ(mann_whitney_min_p(3, 3), 0.05);  // 1 / C(6, 3): never < 0.05
  EXPECT_NEAR(mann_whitney_min_p(4, 4), 1.0 / 70, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 1.0 / 252, 1e-15);
  EXPECT_EQ(mann_whitney_min_p(0, 5), 1.0);
  EXPECT_LT(mann_whitney_min_p(10, 10), 1e-3);
}

TEST(MannWhitney, ExactPathHandlesUnevenSizes) {
  // 2 vs 40 and 8 vs 60 go through the exact path (one side <= 8): check it sums to a
  // distribution (p of the most extreme U is 1 / C(n1 + n2, n1)).
  EXPECT_NEAR(mann_whitney_min_p(2, 40), 1.0 / 861, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(8, 60), 1.0 / 7392009768.0, 1e-20);
}

TEST(MannWhitney, RejectsEmptyAndNonFinite) {
  const std::vector<double> empty, one{1.0}, nan{std::nan("")};
  EXPECT_ANY_THROW(mann_whitney_u(empty, one, Alternative::kGreater));
  EXPECT_ANY_THROW(mann_whitney_u(nan, one, Alternative::kGreater));
}

}  // namespace
}  // namespace neuro::compare
