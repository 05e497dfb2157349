// How the steps of one iteration branch and group once parsed: a `choose:` among weighted
// branches and a `group:` whose total time is one metric (group_p95, group_max, ...). The steps
// of both are laid out flat in Scenario::steps; these say where each block starts and ends.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace neuro::load {

struct ChoiceBranch {
  double weight = 1;
  std::size_t first = 0;  // index in Scenario::steps of the branch's first step
};

// At the step where a choose starts, one branch is drawn with probability weight / total.
struct Choice {
  std::vector<ChoiceBranch> branches;
  double total_weight = 0;
};

// Steps [first, end) are the group: its time runs from entering `first` to leaving the range.
struct Group {
  std::string name;
  std::size_t first = 0;
  std::size_t end = 0;
};

}  // namespace neuro::load
