// The baselines folder name a run's context gives, and the declared order of compare's output.
#include <gtest/gtest.h>

#include "tools/compare/fingerprint.hpp"
#include "tools/compare/verdict.hpp"

namespace neuro::compare {
namespace {

TEST(MachineKey, ReadableAndFromTheIdentityFields) {
  EXPECT_EQ(machine_key({{"cpu_model", "AMD EPYC"}, {"num_cpus", "2"}, {"isa_level", "x86-64-v3"}}),
            "amd-epyc-2cpu-x86-64-v3");
  EXPECT_EQ(machine_key({{"cpu_model", "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"},
                         {"num_cpus", "4"},
                         {"isa_level", "x86-64-v4"}}),
            "intel-xeon-platinum-8370c-4cpu-x86-64-v4");
  EXPECT_EQ(machine_key({{"cpu_model", "AMD EPYC 7763 64-Core Processor"}, {"num_cpus", "2"}}),
            "amd-epyc-7763-64-core-2cpu");
  EXPECT_EQ(machine_key({}), "unknown-cpu");
  EXPECT_EQ(machine_key({{"cpu_model", "unknown"}, {"num_cpus", "[bad]"}}), "unknown-cpu");
  // Nothing that could leave the folder: no '/', no '..', no spaces.
  const std::string hostile =
      machine_key({{"cpu_model", "../../etc x/y"}, {"isa_level", "a/../b"}});
  EXPECT_EQ(hostile.find('/'), std::string::npos) << hostile;
  EXPECT_EQ(hostile.find(".."), std::string::npos) << hostile;
  EXPECT_EQ(hostile.find(' '), std::string::npos) << hostile;
}

TEST(MachineKey, IsaLevelIsPartOfTheFingerprint) {
  const auto v3 = fingerprint_of({{"cpu_model", "X"}, {"isa_level", "x86-64-v3"}});
  const auto v4 = fingerprint_of({{"cpu_model", "X"}, {"isa_level", "x86-64-v4"}});
  const auto none = fingerprint_of({{"cpu_model", "X"}});
  EXPECT_EQ(fingerprint_differences(v3, v4).size(), 1u);
  EXPECT_TRUE(fingerprint_differences(v3, none).empty());  // older baselines do not say
}

BenchmarkResult result(const std::string& name, long long family, long long instance) {
  BenchmarkResult r;
  r.name = name;
  r.time_unit = "ns";
  r.cpu_time_ns = r.real_time_ns = {1.0, 1.0, 1.0};
  r.declared = {family, instance};
  return r;
}

ResultSet set_of(std::vector<BenchmarkResult> results) {
  ResultSet s;
  for (auto& r : results) {
    s.index.emplace(r.name, s.benchmarks.size());
    s.benchmarks.push_back(std::move(r));
  }
  return s;
}

TEST(CompareOrder, BenchmarksInDeclaredOrderPerGroup) {
  // Run order (random interleaving) in both files; one only in the current run (new).
  const auto base = set_of({result("BM_B/1", 1, 1), result("BM_A", 0, 0), result("BM_B/0", 1, 0)});
  const auto cur = set_of(
      {result("BM_C", 2, 0), result("BM_B/0", 1, 0), result("BM_A", 0, 0), result("BM_B/1", 1, 1)});
  Comparison out;
  ThresholdsConfig config;
  compare_results(base, cur, config, Mode::kTime, "bench_y", out);
  compare_results(base, cur, config, Mode::kTime, "bench_x", out);
  std::vector<std::string> names;
  for (const auto& b : out.benchmarks) names.push_back(b.group + ":" + b.name);
  const std::vector<std::string> expected = {"bench_y:BM_A",   "bench_y:BM_B/0", "bench_y:BM_B/1",
                                             "bench_y:BM_C",   "bench_x:BM_A",   "bench_x:BM_B/0",
                                             "bench_x:BM_B/1", "bench_x:BM_C"};
  EXPECT_EQ(names, expected);
}

}  // namespace
}  // namespace neuro::compare
