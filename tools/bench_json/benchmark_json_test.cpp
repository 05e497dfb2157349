#include "tools/bench_json/benchmark_json.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/base/errors.hpp"

namespace neuro::bench_json {
namespace {

// Shaped like Google Benchmark 1.7 output, with a bare NaN and an error row.
constexpr const char* kSample = R"({
  "context": {"date": "2026-11-23", "host_name": "ci", "num_cpus": 2, "library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_A/32", "run_name": "BM_A/32", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 0, "threads": 1, "iterations": 100, "real_time": 1.5, "cpu_time": 1.4,
     "time_unit": "ms", "bytes_per_second": 2.0e9, "samples_per_second": 5.0e8, "p99_us": NaN},
    {"name": "BM_A/32_median", "run_name": "BM_A/32", "run_type": "aggregate",
     "aggregate_name": "median", "iterations": 2, "real_time": 1.6, "cpu_time": 1.5,
     "time_unit": "ms", "samples_per_second": 4.9e8, "label": "x \"NaN\" y"},
    {"name": "BM_B", "run_name": "BM_B", "run_type": "iteration", "iterations": 0,
     "real_time": 0, "cpu_time": 0, "time_unit": "ns", "error_occurred": true,
     "error_message": "server down"}
  ]})";

TEST(BenchmarkJson, ReadsRowsCountersAndErrors) {
  const auto file = parse_benchmark_json(kSample, "sample.json");
  ASSERT_EQ(file.rows.size(), 3u);
  EXPECT_EQ(file.context.at("host_name"), "ci");
  EXPECT_EQ(file.rows[0].time_unit, "ms");
  EXPECT_EQ(file.rows[0].iterations, 100);
  EXPECT_DOUBLE_EQ(file.rows[0].counters.at("samples_per_second"), 5.0e8);
  EXPECT_DOUBLE_EQ(file.rows[0].counters.at("bytes_per_second"), 2.0e9);
  EXPECT_TRUE(std::isnan(file.rows[0].counters.at("p99_us")));
  EXPECT_EQ(file.rows[0].counters.count("repetitions"), 0u);
  EXPECT_EQ(file.rows[1].aggregate_name, "median");
  EXPECT_EQ(file.rows[1].run_name, "BM_A/32");
  ASSERT_TRUE(file.rows[2].error.has_value());
  EXPECT_EQ(*file.rows[2].error, "server down");
}

TEST(BenchmarkJson, BadInputNamesFileAndPath) {
  auto message = [](const std::string& text) {
    try {
      parse_benchmark_json(text, "run/bench_dsp.json");
    } catch (const base::InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{\"benchmarks\": [").find("run/bench_dsp.json: not valid JSON"),
            std::string::npos);
  EXPECT_NE(message("{}").find("$.benchmarks: expected an array"), std::string::npos);
  EXPECT_NE(message(R"({"benchmarks": [{"name": 3}]})").find("$.benchmarks[0].name"),
            std::string::npos);
  EXPECT_NE(message(R"({"benchmarks": [{"name": "a", "real_time": "x"}]})")
                .find("$.benchmarks[0].real_time: expected a number"),
            std::string::npos);
  EXPECT_THROW(read_benchmark_file("/nonexistent/file.json"), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::bench_json
