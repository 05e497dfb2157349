#include "engine/common/testing/golden_case.hpp"

#include <algorithm>
#include <fstream>

#include "engine/base/errors.hpp"

namespace neuro::testing {

std::filesystem::path fixtures_dir() { return NEURO_FIXTURES_DIR; }

GoldenCase GoldenCase::load(const std::string& suite, const std::string& name) {
  const auto dir = fixtures_dir() / "golden" / suite;
  const auto json_path = dir / (name + ".json");
  std::ifstream json_file(json_path);
  if (!json_file) throw base::InvalidArgument(json_path.string() + ": cannot open");
  const auto doc = nlohmann::json::parse(json_file);

  GoldenCase result;
  result.name_ = name;
  result.params_ = doc.at("params");
  for (const auto& [key, spec] : doc.at("arrays").items()) {
    GoldenArray array;
    array.shape = spec.at("shape").get<std::vector<std::size_t>>();
    std::size_t count = 1;
    for (auto extent : array.shape) count *= extent;
    const auto data_path = dir / spec.at("file").get<std::string>();
    std::ifstream data(data_path, std::ios::binary);
    array.values.resize(count);
    data.read(reinterpret_cast<char*>(array.values.data()),
              static_cast<std::streamsize>(count * sizeof(double)));
    if (!data || data.peek() != std::ifstream::traits_type::eof()) {
      throw base::InvalidArgument(data_path.string() + ": expected exactly " +
                                  std::to_string(count) + " float64 values");
    }
    result.arrays_.emplace(key, std::move(array));
  }
  return result;
}

const GoldenArray& GoldenCase::array(const std::string& key) const {
  const auto it = arrays_.find(key);
  if (it == arrays_.end()) {
    throw base::InvalidArgument("golden case " + name_ + ": no array '" + key + "'");
  }
  return it->second;
}

common::SignalBlock GoldenCase::block(const std::string& key, double sample_rate_hz) const {
  const auto& a = array(key);
  if (a.shape.size() != 2) {
    throw base::InvalidArgument("golden case " + name_ + ": array '" + key + "' is not 2-D");
  }
  common::SignalBlock result(a.shape[0], a.shape[1], sample_rate_hz);
  std::transform(a.values.begin(), a.values.end(), result.data(),
                 [](double v) { return static_cast<float>(v); });
  return result;
}

std::vector<std::string> golden_cases(const std::string& suite) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir() / "golden" / suite)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace neuro::testing
