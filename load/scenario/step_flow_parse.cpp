// The fields of a step about its answer: expect, check, until/every/max (step_flow.hpp).
#include <set>

#include "load/scenario/yaml_reader.hpp"

namespace neuro::load::detail {
namespace {

using Op = JsonCondition::Op;

JsonCondition read_condition(const YAML::Node& node, const std::string& where, Reader& read) {
  JsonCondition c;
  if (!node.IsMap()) {
    read.problems.add(node, where,
                      "expected {json: PATH, equals: VALUE} (or not_equals, exists, lt, gt)");
    return c;
  }
  check_fields(node, where, {"json", "equals", "not_equals", "exists", "lt", "gt"}, read.problems);
  if (!node["json"] || !node["json"].IsScalar() || node["json"].Scalar().empty()) {
    read.problems.add(node["json"] ? node["json"] : node, where + ".json",
                      "expected a JSON path like status or data.items.0.id");
  } else {
    c.json_path = node["json"].Scalar();
  }
  static const std::pair<const char*, Op> kOps[] = {{"equals", Op::kEquals},
                                                    {"not_equals", Op::kNotEquals},
                                                    {"exists", Op::kExists},
                                                    {"lt", Op::kLess},
                                                    {"gt", Op::kGreater}};
  int given = 0;
  for (const auto& [key, op] : kOps) {
    const auto v = node[key];
    if (!v) continue;
    ++given;
    c.op = op;
    const std::string field = where + "." + key;
    if (!v.IsScalar()) {
      read.problems.add(v, field, "expected a scalar value");
      continue;
    }
    c.value = v.Scalar();
    if (op == Op::kExists && c.value != "true") {
      read.problems.add(v, field, "expected true (a missing field fails the check)");
    }
    if ((op == Op::kLess || op == Op::kGreater) && !parse_plain_number(c.value)) {
      read.problems.add(v, field, "expected a number, got '" + c.value + "'");
    }
    c.text = c.json_path + " " + key + (op == Op::kExists ? "" : " " + c.value);
  }
  if (given != 1) {
    read.problems.add(node, where, "expected exactly one of equals, not_equals, exists, lt, gt");
  }
  return c;
}

}  // namespace

void read_step_flow(const YAML::Node& node, const std::string& where, Reader& read, Step& step) {
  StepFlow& flow = step.flow;
  if (const auto e = node["expect"]) {
    const std::string field = where + ".expect";
    auto add_status = [&](const YAML::Node& v) {
      const double status = read.number(v, field, 100, 0);
      if (status >= 100 && (status > 599 || status != static_cast<int>(status))) {
        read.problems.add(v, field, "expected an HTTP status 100..599, got '" + v.Scalar() + "'");
      } else if (status >= 100) {
        flow.expect_status.push_back(static_cast<int>(status));
      }
    };
    if (e.IsSequence() && e.size() > 0) {
      for (const auto& v : e) add_status(v);
    } else if (e.IsScalar()) {
      add_status(e);
    } else {
      read.problems.add(e, field, "expected a status (201) or a list of them ([200, 201])");
    }
  }
  if (const auto c = node["check"]) {
    const std::string field = where + ".check";
    if (c.IsMap()) {
      flow.checks.push_back(read_condition(c, field, read));
    } else if (c.IsSequence() && c.size() > 0) {
      for (std::size_t i = 0; i < c.size(); ++i) {
        flow.checks.push_back(read_condition(c[i], field + "[" + std::to_string(i) + "]", read));
      }
    } else {
      read.problems.add(c, field, "expected a condition {json: PATH, equals: V} or a list of them");
    }
  }
  if (const auto u = node["until"]) {
    Poll poll;
    poll.until = read_condition(u, where + ".until", read);
    if (node["every"]) poll.every_s = read.duration(node["every"], where + ".every", 1, true);
    if (node["max"]) poll.max_s = read.duration(node["max"], where + ".max", 60, true);
    if (poll.every_s > poll.max_s) {
      read.problems.add(node["every"], where + ".every", "longer than max: it would poll once");
    }
    flow.poll = poll;
  } else {
    for (const char* key : {"every", "max"}) {
      if (node[key]) read.problems.add(node[key], where + "." + key, "only with until");
    }
  }
}

}  // namespace neuro::load::detail
