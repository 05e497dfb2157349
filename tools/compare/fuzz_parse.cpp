// Fuzz harness for the benchmark JSON reader and everything behind it (grouping, comparing,
// rendering). With clang: clang++ -fsanitize=fuzzer,address ... fuzz_parse.cpp. With g++ the
// gtest fuzz_parse_test.cpp drives it with deterministic mutations of real files.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/compare/render.hpp"
#include "tools/compare/verdict.hpp"

// Any exception other than InvalidArgument escapes and is the bug the fuzzer reports.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuro;
  try {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto set = compare::group_results(bench_json::parse_benchmark_json(text, "fuzz.json"));
    compare::Comparison comparison;
    compare::compare_results(set, set, compare::ThresholdsConfig{}, compare::Mode::kTime, "",
                             comparison);
    (void)compare::render(comparison, compare::Format::kJson);
    (void)compare::render(comparison, compare::Format::kText);
  } catch (const base::InvalidArgument&) {
    // The expected outcome for bad input.
  }
  return 0;
}
