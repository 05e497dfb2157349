// A response body read as JSON once, for everything a step reads from it: captures, `check:`
// conditions and the polling step's `until`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "load/scenario/step_flow.hpp"

namespace neuro::load {

class JsonAnswer {
 public:
  explicit JsonAnswer(const std::string& body);
  // The value at a dotted path ("data.items.0.id") as text (strings unquoted); nullopt when the
  // body is not JSON or the path is absent.
  std::optional<std::string> value_at(const std::string& json_path) const;
  // Whether the condition holds; a body that is not JSON holds none.
  bool holds(const JsonCondition& c) const;

 private:
  const nlohmann::json* node_at(const std::string& json_path) const;
  nlohmann::json doc_;
};

}  // namespace neuro::load
