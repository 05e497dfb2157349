// The `steps:` list: plain steps, `choose:` (weighted branches, one drawn per pass) and
// `group:` (steps timed together), laid out flat with each step's successor (flow_blocks.hpp).
#include <set>

#include "load/scenario/yaml_reader.hpp"

namespace neuro::load::detail {
namespace {

struct ListReader {
  Scenario& s;
  Reader& read;
  bool in_group = false;

  // Appends the items of `list` to s.steps; their successors point past the list's end.
  // `owner` (the mapping holding the list) places the problem when the list is missing.
  void items(const YAML::Node& owner, const std::string& where, std::set<std::string>& captured) {
    const auto list = owner["steps"];
    if (!list || !list.IsSequence() || list.size() == 0) {
      read.problems.add(list ? list : owner, where, "expected a non-empty list of steps");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = where + "[" + std::to_string(i) + "]";
      const auto item = list[i];
      if (item.IsMap() && item["choose"]) {
        check_fields(item, at, {"choose"}, read.problems);
        choose(item["choose"], at + ".choose", captured);
      } else if (item.IsMap() && item["group"]) {
        check_fields(item, at, {"group"}, read.problems);
        group(item["group"], at + ".group", captured);
      } else {
        s.steps.push_back(read_step(item, at, read, captured, false, s.uses_builtin_variables));
      }
    }
  }

  // A branch's first item must be a plain step: that step is where the choice lands.
  bool starts_with_step(const YAML::Node& list, const std::string& where) {
    if (!list.IsSequence() || list.size() == 0 || !list[0].IsMap()) return true;
    if (!list[0]["choose"] && !list[0]["group"]) return true;
    read.problems.add(list[0], where + "[0]",
                      "a branch starts with a plain step (put a group or choose after one, or "
                      "make it its own branch)");
    return false;
  }

  void choose(const YAML::Node& node, const std::string& where, std::set<std::string>& captured) {
    if (!node.IsSequence() || node.size() < 2) {
      read.problems.add(node, where, "expected a list of at least two {weight, steps: [...]}");
      return;
    }
    const auto head = s.steps.size();
    const int id = static_cast<int>(s.choices.size());
    s.choices.emplace_back();
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    double total = 0;
    std::vector<ChoiceBranch> branches;
    for (std::size_t b = 0; b < node.size(); ++b) {
      const std::string at = where + "[" + std::to_string(b) + "]";
      const auto branch = node[b];
      if (!branch.IsMap()) {
        read.problems.add(branch, at, "expected {weight: W, steps: [...]}");
        continue;
      }
      check_fields(branch, at, {"weight", "steps"}, read.problems);
      ChoiceBranch c;
      c.weight = branch["weight"] ? read.number(branch["weight"], at + ".weight", 0, 1) : 1;
      if (c.weight == 0) {
        read.problems.add(branch["weight"], at + ".weight", "expected a weight above 0");
      }
      total += c.weight;
      c.first = s.steps.size();
      // What a branch captures is known only on its own path.
      std::set<std::string> branch_captured = captured;
      if (branch["steps"] && !starts_with_step(branch["steps"], at + ".steps")) continue;
      items(branch, at + ".steps", branch_captured);
      ranges.emplace_back(c.first, s.steps.size());
      branches.push_back(c);
    }
    // Leaving a branch goes past the whole choose.
    for (const auto& [first, end] : ranges) {
      for (std::size_t i = first; i < end; ++i) {
        if (s.steps[i].next_of(i) == end) s.steps[i].next = s.steps.size();
      }
    }
    s.choices[static_cast<std::size_t>(id)] = Choice{branches, total};
    if (head < s.steps.size()) s.steps[head].choice = id;
  }

  void group(const YAML::Node& node, const std::string& where, std::set<std::string>& captured) {
    if (!node.IsMap()) {
      read.problems.add(node, where, "expected {name: NAME, steps: [...]}");
      return;
    }
    check_fields(node, where, {"name", "steps"}, read.problems);
    if (in_group) {
      read.problems.add(node, where, "groups do not nest: one group's time is one metric");
      return;
    }
    Group g;
    g.name = node["name"] ? Reader::scalar(node["name"]) : "";
    if (g.name.empty()) read.problems.add(node, where + ".name", "missing: the group's name");
    for (const auto& other : s.groups) {
      if (!g.name.empty() && other.name == g.name) {
        read.problems.add(node["name"], where + ".name", "another group is named '" + g.name + "'");
      }
    }
    g.first = s.steps.size();
    in_group = true;
    items(node, where + ".steps", captured);
    in_group = false;
    g.end = s.steps.size();
    if (g.first < g.end) {
      s.steps[g.first].group_start = static_cast<int>(s.groups.size());
      s.groups.push_back(g);
    }
  }
};

}  // namespace

void read_step_list(const YAML::Node& root, Scenario& s, Reader& read,
                    std::set<std::string>& captured) {
  ListReader reader{s, read};
  reader.items(root, "steps", captured);
}

}  // namespace neuro::load::detail
