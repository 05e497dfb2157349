// `choose:` and `group:` in the steps list: the flat layout with each step's successor, the
// captures a branch sees, and every problem as FILE:LINE: field: problem.
#include <gtest/gtest.h>

#include "engine/base/errors.hpp"
#include "load/scenario/scenario.hpp"

namespace neuro::load {
namespace {

constexpr const char* kExecutor = "executor: {type: constant-users, users: 1, iterations: 1}\n";

TEST(StepList, ChooseAndGroupLaidOutFlat) {
  const auto s = parse_scenario(std::string(R"(target: http://h
seed: 42
steps:
  - path: /login
  - group:
      name: workflow
      steps:
        - path: /a
        - choose:
            - weight: 3
              steps: [{path: /b1}, {path: /b2}]
            - weight: 1
              steps: [{path: /c}]
        - path: /d
  - path: /after
)") + kExecutor,
                                "ok.yaml");
  // 0 login, 1 a, 2 b1, 3 b2, 4 c, 5 d, 6 after
  ASSERT_EQ(s.steps.size(), 7u);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.steps[2].path, "/b1");
  EXPECT_EQ(s.steps[2].choice, 0);
  ASSERT_EQ(s.choices.size(), 1u);
  ASSERT_EQ(s.choices[0].branches.size(), 2u);
  EXPECT_EQ(s.choices[0].branches[0].first, 2u);
  EXPECT_EQ(s.choices[0].branches[1].first, 4u);
  EXPECT_DOUBLE_EQ(s.choices[0].total_weight, 4.0);
  std::vector<std::size_t> next;
  for (std::size_t i = 0; i < s.steps.size(); ++i) next.push_back(s.steps[i].next_of(i));
  // Each branch's last step goes past the choose; the last step ends the iteration.
  EXPECT_EQ(next, (std::vector<std::size_t>{1, 2, 3, 5, 5, 6, 7}));
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].name, "workflow");
  EXPECT_EQ(s.groups[0].first, 1u);
  EXPECT_EQ(s.groups[0].end, 6u);
  EXPECT_EQ(s.steps[1].group_start, 0);
  EXPECT_EQ(s.steps[0].group_start, -1);
}

TEST(StepList, EveryProblemOfChooseAndGroup) {
  const std::string text = std::string(R"(target: http://h
steps:
  - choose: [{weight: 1, steps: [{path: /a}]}]
  - choose:
      - weight: 0
        steps: [{path: /b}]
      - weight: lots
        steps: [{path: /c}]
      - steps: []
      - weight: 1
        colour: red
        steps:
          - group: {name: g0, steps: [{path: /x}]}
  - group: {steps: [{path: /d}]}
  - group:
      name: outer
      steps:
        - group: {name: inner, steps: [{path: /e}]}
  - group: {name: twice, steps: [{path: /f}]}
  - group: {name: twice, steps: [{path: /g}]}
  - choose:
      - {weight: 1, steps: [{path: /h, capture: {id: id}}]}
      - {weight: 1, steps: [{path: /i}]}
  - path: /j/${id}
  - group: {name: g1}
)") + kExecutor;
  try {
    parse_scenario(text, "bad.yaml");
    FAIL() << "expected InvalidArgument";
  } catch (const base::InvalidArgument& e) {
    const std::string m = e.what();
    for (const char* expected : {
             "bad.yaml:3: steps[0].choose: expected a list of at least two {weight, steps: [...]}",
             "bad.yaml:5: steps[1].choose[0].weight: expected a weight above 0",
             "bad.yaml:7: steps[1].choose[1].weight: expected a number >= 0, got 'lots'",
             "bad.yaml:9: steps[1].choose[2].steps: expected a non-empty list of steps",
             "bad.yaml:11: steps[1].choose[3].colour: unknown field",
             "bad.yaml:13: steps[1].choose[3].steps[0]: a branch starts with a plain step",
             "bad.yaml:14: steps[2].group.name: missing: the group's name",
             "bad.yaml:18: steps[3].group.steps[0].group: groups do not nest",
             "bad.yaml:20: steps[5].group.name: another group is named 'twice'",
             "bad.yaml:24: steps[7].path: ${id} is not captured",
             "bad.yaml:25: steps[8].group.steps: expected a non-empty list of steps",
         }) {
      EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
    }
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 10) << m;
  }
}

}  // namespace
}  // namespace neuro::load
