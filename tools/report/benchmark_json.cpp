#include "tools/report/benchmark_json.hpp"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/common/errors.hpp"

namespace neuro::report {
namespace {

using common::InvalidArgument;

// Fields of a benchmark entry that are not counters.
bool is_reserved(const std::string& key) {
  static const char* const kReserved[] = {"name",
                                          "family_index",
                                          "per_family_instance_index",
                                          "run_name",
                                          "run_type",
                                          "repetitions",
                                          "repetition_index",
                                          "threads",
                                          "iterations",
                                          "real_time",
                                          "cpu_time",
                                          "time_unit",
                                          "aggregate_name",
                                          "aggregate_unit",
                                          "error_occurred",
                                          "error_message",
                                          "label",
                                          "skipped",
                                          "skip_message",
                                          "big_o",
                                          "rms"};
  for (const char* r : kReserved) {
    if (key == r) return true;
  }
  return false;
}

}  // namespace

BenchmarkFile parse_benchmark_json(const std::string& text, const std::filesystem::path& origin) {
  // Google Benchmark writes bare NaN/Infinity for some counters; nlohmann rejects them, so they
  // are turned into null first (outside strings) and read back as NaN.
  std::string cleaned;
  cleaned.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      cleaned += ch;
      if (ch == '\\' && i + 1 < text.size())
        cleaned += text[++i];
      else if (ch == '"')
        in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    if (text.compare(i, 3, "NaN") == 0) {
      cleaned += "null";
      i += 2;
    } else if (text.compare(i, 9, "-Infinity") == 0) {
      cleaned += "null";
      i += 8;
    } else if (text.compare(i, 8, "Infinity") == 0) {
      cleaned += "null";
      i += 7;
    } else {
      cleaned += ch;
    }
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(cleaned);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidArgument(origin.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    throw InvalidArgument(origin.string() + ": $.benchmarks: expected an array of benchmarks");
  }
  BenchmarkFile file;
  file.path = origin;
  if (doc.contains("context") && doc["context"].is_object()) {
    for (const auto& [key, value] : doc["context"].items()) {
      if (value.is_string()) file.context[key] = value.get<std::string>();
    }
  }
  const auto& list = doc["benchmarks"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& b = list[i];
    const std::string where = origin.string() + ": $.benchmarks[" + std::to_string(i) + "]";
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) {
      throw InvalidArgument(where + ".name: expected a string");
    }
    BenchmarkRow row;
    row.name = b["name"].get<std::string>();
    row.run_name = b.value("run_name", row.name);
    row.aggregate_name = b.value("aggregate_name", "");
    auto number = [&](const char* key) {
      if (!b.contains(key)) return 0.0;
      if (b[key].is_null()) return std::numeric_limits<double>::quiet_NaN();
      if (!b[key].is_number()) throw InvalidArgument(where + "." + key + ": expected a number");
      return b[key].get<double>();
    };
    row.iterations = static_cast<long long>(number("iterations"));
    row.real_time = number("real_time");
    row.cpu_time = number("cpu_time");
    row.time_unit = b.value("time_unit", "ns");
    if (b.value("error_occurred", false)) row.error = b.value("error_message", "error");
    for (const auto& [key, value] : b.items()) {
      if (is_reserved(key)) continue;
      if (value.is_number()) row.counters[key] = value.get<double>();
      if (value.is_null()) row.counters[key] = std::numeric_limits<double>::quiet_NaN();
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

BenchmarkFile read_benchmark_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_benchmark_json(text.str(), path);
}

}  // namespace neuro::report
