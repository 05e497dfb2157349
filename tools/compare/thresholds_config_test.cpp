#include "tools/compare/thresholds_config.hpp"

#include <gtest/gtest.h>

#include "engine/base/errors.hpp"

namespace neuro::compare {
namespace {

std::string problems(const std::string& yaml) {
  try {
    parse_thresholds(yaml, "t.yaml");
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

TEST(ThresholdsConfig, FirstMatchingRuleWins) {
  const auto c = parse_thresholds(R"(
defaults:
  threshold: 5%
  alpha: 0.01
  counters: {"*_p99_us": lower}
rules:
  - match: "BM_Stream*"
    threshold: 0.25
    metric: real_time
    counters: {bytes_per_second: ignore}
  - match: "BM_*"
    noise: 20%
  - match: "BM_Old*"
    ignore: true
)",
                                  "t.yaml");
  const auto& stream = c.settings_for("BM_StreamingBandpass/cyton");
  EXPECT_DOUBLE_EQ(stream.threshold, 0.25);
  EXPECT_DOUBLE_EQ(stream.alpha, 0.01);
  EXPECT_EQ(stream.metric, TimeMetric::kRealTime);
  EXPECT_EQ(counter_direction(stream, "bytes_per_second"), Direction::kIgnore);
  EXPECT_EQ(counter_direction(stream, "packet_p99_us"), Direction::kLowerIsBetter);
  EXPECT_EQ(counter_direction(stream, "samples_per_second"), Direction::kHigherIsBetter);
  EXPECT_EQ(counter_direction(stream, "packets"), std::nullopt);
  EXPECT_DOUBLE_EQ(c.settings_for("BM_Old").noise, 0.20);  // BM_* matched first
  EXPECT_FALSE(c.settings_for("BM_Old").ignore);
  EXPECT_DOUBLE_EQ(c.settings_for("Other").threshold, 0.05);
  EXPECT_TRUE(parse_thresholds("", "t.yaml").rules.empty());
}

TEST(ThresholdsConfig, ListsProblemsWithLineAndField) {
  const std::string p = problems(R"(defaults:
  threshold: 10
  alpah: 0.05
rules:
  - threshold: abc
  - match: "BM_*"
    metric: wall
    counters: {x: sideways}
bogus: 1
)");
  EXPECT_NE(p.find("t.yaml:2: defaults.threshold: expected a fraction"), std::string::npos) << p;
  EXPECT_NE(p.find("t.yaml:3: defaults.alpah: unknown field"), std::string::npos) << p;
  EXPECT_NE(p.find("t.yaml:5: rules[0].threshold"), std::string::npos) << p;
  EXPECT_NE(p.find("rules[0].match: missing"), std::string::npos) << p;
  EXPECT_NE(p.find("t.yaml:7: rules[1].metric: expected auto, cpu_time or real_time"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("rules[1].counters.x: expected lower, higher or ignore"), std::string::npos);
  EXPECT_NE(p.find("t.yaml:9: bogus: unknown field"), std::string::npos) << p;
  EXPECT_NE(problems("rules: [unclosed").find("t.yaml:"), std::string::npos);
  EXPECT_NE(problems("- a\n- b\n").find("expected a mapping"), std::string::npos);
}

TEST(ThresholdsConfig, GlobMatching) {
  EXPECT_TRUE(glob_match("BM_*", "BM_A/32/1"));
  EXPECT_TRUE(glob_match("*_per_second", "samples_per_second"));
  EXPECT_TRUE(glob_match("BM_?/*", "BM_A/x"));
  EXPECT_FALSE(glob_match("BM_?/*", "BM_AB/x"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("BM_A", "BM_A/32"));
}

TEST(ThresholdsConfig, CommittedFileIsValid) {
  const auto c = load_thresholds(std::string(NEURO_FIXTURES_DIR) + "/../baselines/thresholds.yaml");
  EXPECT_DOUBLE_EQ(c.defaults.threshold, 0.10);
  EXPECT_GT(c.settings_for("BM_StreamingBandpass/cyton").threshold, 0.10);
}

}  // namespace
}  // namespace neuro::compare
