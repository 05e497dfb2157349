// What a step asks of its answer and how it repeats: the expected status, JSON checks counted
// like k6 checks, and the polling loop (`until` a JSON field holds a value, every E, at most M).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace neuro::load {

// `{json: PATH, equals: V}` and its siblings: a test of the value at a dotted JSON path.
struct JsonCondition {
  enum class Op { kEquals, kNotEquals, kExists, kLess, kGreater };
  std::string json_path;
  Op op = Op::kEquals;
  std::string value;  // as text (strings unquoted); a number for kLess/kGreater
  std::string text;   // "status equals completed", for documents
};

struct Poll {
  JsonCondition until;
  double every_s = 1;
  double max_s = 60;
};

struct StepFlow {
  std::vector<int> expect_status;  // empty: any status below 400 passes
  std::vector<JsonCondition> checks;
  std::optional<Poll> poll;
};

}  // namespace neuro::load
