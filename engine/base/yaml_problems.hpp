// Every problem of a YAML file, collected with its line, so one run lists them all as
// `FILE:LINE: field: problem`, so one run lists them all; the scenario parser and the thresholds
// config both use it. Header-only: only targets that already link yaml-cpp include it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>

#include "engine/base/errors.hpp"

namespace neuro::base {

class YamlProblems {
 public:
  explicit YamlProblems(std::string origin) : origin_(std::move(origin)) {}

  // A node without a position (made by the program, not read) is reported at line 1.
  void add(const YAML::Node& node, const std::string& field, const std::string& what) {
    const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 1;
    list_ += (list_.empty() ? "" : "\n") + origin_ + ":" + std::to_string(line) + ": " + field +
             ": " + what;
  }
  bool empty() const noexcept { return list_.empty(); }
  // Throws InvalidArgument (exit code 2) with one line per problem.
  void throw_if_any() const {
    if (!list_.empty()) throw InvalidArgument(list_);
  }

 private:
  std::string origin_;
  std::string list_;
};

}  // namespace neuro::base
