// Test-only reader for golden vectors in fixtures/golden/<suite>/<case>.json: parameters as
// JSON, arrays as raw little-endian float64 files beside it (written by fixtures/golden/*.py
// with scipy/numpy, so the tests compare against an independent implementation).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/common/signal_block.hpp"

namespace neuro::testing {

struct GoldenArray {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

// clang-tidy 14 takes the implicit noexcept move of the nlohmann::json member as throwing (any
// class holding a json does).
// NOLINTNEXTLINE(bugprone-exception-escape)
class GoldenCase {
 public:
  // Loads fixtures/golden/<suite>/<name>.json and its arrays; throws base::InvalidArgument
  // naming the file when anything is missing or the sizes disagree.
  static GoldenCase load(const std::string& suite, const std::string& name);

  const std::string& name() const { return name_; }
  const nlohmann::json& params() const { return params_; }
  const GoldenArray& array(const std::string& key) const;

  // A 2-D array (channels x samples) as a signal block at the given rate.
  common::SignalBlock block(const std::string& key, double sample_rate_hz) const;

 private:
  std::string name_;
  nlohmann::json params_;
  std::map<std::string, GoldenArray> arrays_;
};

// Names of every case in fixtures/golden/<suite>/, sorted.
std::vector<std::string> golden_cases(const std::string& suite);

std::filesystem::path fixtures_dir();

}  // namespace neuro::testing
