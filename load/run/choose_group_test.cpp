// `choose:` and `group:` end to end against the test server: the weighted mix of a seeded run
// within a binomial tolerance from n (counted by the server too), the same draws run after run,
// and a group's total time as the group_* metrics.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "load/run/runner.hpp"
#include "load/scenario/scenario.hpp"
#include "load/testing/test_server.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;
using testing::TestServer;

json run(const std::string& yaml, const TestServer& server) {
  return run_load(parse_scenario(yaml, "mix.yaml", server.url()), RunOptions{.quiet = true});
}

constexpr const char* kMix = R"(seed: 11
steps:
  - choose:
      - {weight: 40, steps: [{path: /record/a}]}
      - {weight: 30, steps: [{path: /record/b}]}
      - {weight: 20, steps: [{path: /record/c}, {path: /record/c2}]}
      - {weight: 10, steps: [{path: /record/d}]}
  - path: /record/after
executor: {type: constant-users, users: 4, iterations: 500}
)";

TEST(Choose, WeightedMixWithinBinomialTolerance) {
  TestServer server;
  const auto doc = run(kMix, server);
  const auto& steps = doc["steps"];
  const std::int64_t n = std::int64_t{4} * 500;
  // Each branch's count is Binomial(n, p): 4.5 standard deviations leave a false failure at
  // about 7e-6 per branch; the seed makes the run repeatable besides.
  const std::map<int, double> share = {{0, 0.4}, {1, 0.3}, {2, 0.2}, {4, 0.1}};
  std::int64_t total = 0;
  for (const auto& [index, p] : share) {
    const auto k = steps[index]["requests"].get<std::int64_t>();
    const double expected = static_cast<double>(n) * p;
    const double tolerance = 4.5 * std::sqrt(static_cast<double>(n) * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(k), expected, tolerance) << steps[index]["name"];
    std::printf("choose: %s %lld of %lld (expected %.0f +- %.0f)\n",
                steps[index]["name"].get<std::string>().c_str(), static_cast<long long>(k),
                static_cast<long long>(n), expected, tolerance);
    total += k;
  }
  EXPECT_EQ(total, n);                                    // exactly one branch per iteration
  EXPECT_EQ(steps[3]["requests"], steps[2]["requests"]);  // c2 follows c in its branch
  EXPECT_EQ(steps[5]["requests"], n);                     // every iteration goes on after
  // The server's own count of each path agrees with the runner's.
  std::map<std::string, std::int64_t> seen;
  for (const auto& r : server.recording().recorded()) ++seen[r.path];
  EXPECT_EQ(seen["/record/a"], steps[0]["requests"].get<std::int64_t>());
  EXPECT_EQ(seen["/record/d"], steps[4]["requests"].get<std::int64_t>());
  EXPECT_EQ(seen["/record/after"], n);
}

TEST(Choose, TheSameSeedDrawsTheSameMix) {
  TestServer server;
  const auto first = run(kMix, server);
  const auto second = run(kMix, server);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(first["steps"][i]["requests"], second["steps"][i]["requests"]) << i;
  }
}

TEST(Choose, OpenModelDrawsPerArrivalAndTimesGroups) {
  TestServer server;
  const auto doc = run(R"(seed: 5
steps:
  - group:
      name: pass
      steps:
        - choose:
            - {weight: 1, steps: [{path: /record/x}]}
            - {weight: 3, steps: [{path: /record/y}, {path: /record/y2}]}
        - path: /record/end
executor: {type: constant-rate, rate: 400, duration: 1s}
)",
                       server);
  const auto& steps = doc["steps"];
  const auto arrivals = steps[3]["requests"].get<std::int64_t>();
  EXPECT_GE(arrivals + doc["open_model"]["dropped_sends"].get<std::int64_t>(), 400);
  const auto x = steps[0]["requests"].get<std::int64_t>();
  const auto y = steps[1]["requests"].get<std::int64_t>();
  EXPECT_EQ(x + y, arrivals);
  EXPECT_EQ(steps[2]["requests"], y);
  const double n = static_cast<double>(arrivals);
  EXPECT_NEAR(static_cast<double>(x), n * 0.25, 4.5 * std::sqrt(n * 0.25 * 0.75));
  EXPECT_EQ(steps[0]["group"]["count"], arrivals);  // the group starts at the choose
}

TEST(Group, TotalTimeIsOneMetric) {
  TestServer server;
  // Two 50 ms steps and 20 ms of think time between them: each pass of the group takes at
  // least 120 ms (think time after the group's last step is outside it).
  const auto doc = run(R"(think_time: 20ms
steps:
  - group:
      name: workflow
      steps: [{path: /delay/50}, {path: /delay/50}]
  - path: /ok
executor: {type: constant-users, users: 2, iterations: 3}
thresholds: ['group_max < 2s', 'group_p50 < 100ms']
)",
                       server);
  const auto& group = doc["steps"][0]["group"];
  ASSERT_TRUE(group.is_object()) << doc["steps"][0].dump();
  EXPECT_EQ(group["count"], 6);
  const double p50 = group["percentiles_ms"]["p50"].get<double>();
  EXPECT_GE(p50, 120.0);
  EXPECT_LT(p50, 1000.0);
  EXPECT_TRUE(doc["steps"][1]["group"].is_null());
  EXPECT_TRUE(doc["thresholds"][0]["passed"]);
  EXPECT_FALSE(doc["thresholds"][1]["passed"]);  // 120 ms and more is not under 100 ms
  EXPECT_FALSE(doc["passed"]);
}

TEST(Group, AnUnfinishedGroupHasNoTime) {
  TestServer server;
  // The unexpected status ends the iteration inside the group: it is never left complete.
  const auto doc = run(R"(steps:
  - group:
      name: failing
      steps: [{path: /ok}, {path: /status/500, expect: 200}, {path: /ok}]
executor: {type: constant-users, users: 1, iterations: 3}
thresholds: ['group_max < 1s']
)",
                       server);
  EXPECT_EQ(doc["steps"][1]["errors"]["status_5xx"], 3);
  EXPECT_EQ(doc["steps"][2]["requests"], 0);
  EXPECT_TRUE(doc["steps"][0]["group"].is_null());
  // Never observed: the threshold fails rather than passing on no data.
  EXPECT_FALSE(doc["thresholds"][0]["passed"]);
}

TEST(Group, IterationThinkTimeIsOutsideTheGroup) {
  TestServer server;
  // 300 ms of think time between iterations only: the group's two quick steps run back to back.
  const auto doc = run(R"(think_time: 300ms
think_time_after: iteration
steps:
  - group:
      name: scenario
      steps: [{path: /ok}, {path: /ok}]
executor: {type: constant-users, users: 1, iterations: 3}
)",
                       server);
  const auto& group = doc["steps"][0]["group"];
  ASSERT_TRUE(group.is_object());
  EXPECT_EQ(group["count"], 3);
  EXPECT_LT(group["percentiles_ms"]["max"].get<double>(), 150.0);
  // ... and between iterations it still paces the user: three passes take at least 600 ms.
  EXPECT_GE(doc["duration_s"].get<double>(), 0.6);
}

}  // namespace
}  // namespace neuro::load
