// --quick scaling: the timeline by one factor, think time and users as written unless the file's
// quick: says otherwise (the shipped files under --quick: scenario_test.cpp).
#include "load/scenario/quick_scale.hpp"

#include <gtest/gtest.h>

namespace neuro::load {
namespace {

TEST(Quick, ScalesTheTimelineKeepingItsShape) {
  auto s = parse_scenario(R"(target: http://h
think_time: 2s
steps: [{path: /}]
executor: {type: constant-users, users: 50, ramp_up: 30s, duration: 5m}
)",
                          "q.yaml");
  EXPECT_DOUBLE_EQ(apply_quick(s), kQuickSeconds / 300);
  EXPECT_DOUBLE_EQ(s.executor.duration_s, kQuickSeconds);
  EXPECT_DOUBLE_EQ(s.executor.ramp_up_s, 1.0);  // 30 s of 300 -> 1 s of 10
  EXPECT_DOUBLE_EQ(s.think_time_s, 2.0);        // each user's pace is kept
  EXPECT_EQ(s.executor.users, 50);
  EXPECT_DOUBLE_EQ(s.config["quick"]["factor"].get<double>(), kQuickSeconds / 300);

  auto spike = parse_scenario(R"(target: http://h
steps: [{path: /}]
executor: {type: spike, rate: 10, spike_rate: 100, before: 30s, spike: 20s, after: 50s}
quick: {duration: 20s}
)",
                              "s.yaml");
  apply_quick(spike);
  EXPECT_NEAR(planned_duration_s(spike.executor), 20.0, 1e-9);
  EXPECT_NEAR(spike.executor.stages[2].duration_s, 4.0, 1e-9);  // the spike: 20 s of 100

  auto heavy = parse_scenario(R"(target: http://h
steps: [{path: /}]
executor: {type: constant-users, users: 10, duration: 5s}
quick: {users: 2}
)",
                              "h.yaml");
  EXPECT_DOUBLE_EQ(apply_quick(heavy), 1.0);  // already short
  EXPECT_EQ(heavy.executor.users, 2);

  auto counted = parse_scenario(R"(target: http://h
steps: [{path: /}]
executor: {type: constant-users, users: 50, iterations: 20}
)",
                                "c.yaml");
  EXPECT_DOUBLE_EQ(apply_quick(counted), 1.0);  // ends by count, not by time
  EXPECT_EQ(counted.executor.iterations, 20);
}

TEST(Quick, ScalesWsStepsWithTheTimeline) {
  auto s = parse_scenario(R"(target: http://h
steps:
  - {name: health, path: /health}
  - ws: {path: /ws/stream, receive: {duration: 30s}}
executor: {type: constant-users, users: 20, ramp_up: 10s, duration: 3m}
)",
                          "w.yaml");
  const double factor = apply_quick(s);
  EXPECT_DOUBLE_EQ(factor, kQuickSeconds / 180);
  ASSERT_TRUE(s.steps[1].ws);
  EXPECT_NEAR(s.steps[1].ws->duration_s, 30 * factor, 1e-9);  // shorter than the run
  EXPECT_FALSE(s.steps[0].ws);
}

// A run that ends by its iterations lasts its ramp-up and its streams: both scale.
TEST(Quick, ScalesStreamsOfARunByCount) {
  auto s = parse_scenario(R"(target: http://h
steps:
  - ws: {path: /ws/stream, receive: {duration: 15s}}
executor: {type: constant-users, users: 800, iterations: 1, ramp_up: 5s}
quick: {duration: 5s}
)",
                          "c.yaml");
  EXPECT_DOUBLE_EQ(apply_quick(s), 5.0 / 20);
  EXPECT_DOUBLE_EQ(s.steps[0].ws->duration_s, 15 * 0.25);
  EXPECT_DOUBLE_EQ(s.executor.ramp_up_s, 5 * 0.25);
  EXPECT_EQ(s.executor.iterations, 1);

  auto requests = parse_scenario(R"(target: http://h
steps: [{path: /}]
executor: {type: constant-users, users: 10, iterations: 100}
)",
                                 "r.yaml");
  EXPECT_DOUBLE_EQ(apply_quick(requests), 1.0);  // nothing timed: as written
  EXPECT_EQ(requests.executor.iterations, 100);
}

TEST(Quick, ProblemsOfQuickAndThinkTimeAfter) {
  try {
    parse_scenario(R"(target: http://h
think_time_after: request
quick: {duration: 0s, users: 0, colour: red}
steps: [{path: /}]
executor: {type: constant-users, users: 1, iterations: 1}
)",
                   "bad.yaml");
    FAIL();
  } catch (const std::exception& e) {
    const std::string m = e.what();
    for (const char* expected : {
             "bad.yaml:2: think_time_after: expected step or iteration, got 'request'",
             "bad.yaml:3: quick.colour: unknown field",
             "bad.yaml:3: quick.duration: expected a positive duration",
             "bad.yaml:3: quick.users: expected a number >= 1, got '0'",
         }) {
      EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
    }
  }
}

}  // namespace
}  // namespace neuro::load
