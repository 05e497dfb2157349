// Machine-speed calibration: a run on a machine that is uniformly slower (CPU steal on a shared
// VM) is judged after dividing out the calibration benchmark's change; a real change on top of
// it is still caught; small calibration wobbles change nothing; it can be turned off.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engine/base/errors.hpp"
#include "tools/compare/thresholds_config.hpp"
#include "tools/compare/verdict.hpp"

namespace neuro::compare {
namespace {

constexpr const char* kCalibration = "calibration/machine_speed";

// A run: each benchmark's median time (ns), repeated 10 times with 1 % lognormal noise and
// multiplied by `machine` (the machine's slowness); an optional rate counter moves inversely.
class RunMaker {
 public:
  explicit RunMaker(std::uint64_t seed) : rng_(seed) {}

  // `cpu_share`: the fraction of wall time the threads had a CPU (cpu_time = share x real_time).
  ResultSet make(const std::vector<std::pair<std::string, double>>& medians, double machine,
                 double cpu_share = 1.0) {
    ResultSet set;
    for (const auto& [name, median] : medians) {
      BenchmarkResult r;
      r.name = name;
      r.time_unit = "ns";
      for (int k = 0; k < 10; ++k) {
        const double t = median * machine * noise_(rng_);
        r.cpu_time_ns.push_back(t * cpu_share);
        r.real_time_ns.push_back(t);
        r.counters["samples_per_second"].push_back(1e9 / t);
        r.counters["batch_p95_ms"].push_back(t / 1e6);
        r.counters["rows"].push_back(8000.0);  // a count: no machine makes it move
      }
      set.index[r.name] = set.benchmarks.size();
      set.benchmarks.push_back(std::move(r));
    }
    return set;
  }

 private:
  std::mt19937_64 rng_;
  std::lognormal_distribution<double> noise_{0.0, 0.01};
};

const std::vector<std::pair<std::string, double>> kCode = {
    {kCalibration, 100000.0}, {"BM_Filter", 2000.0}, {"BM_Welch", 50000.0}};

ThresholdsConfig config_gating(const std::string& counter_glob) {
  ThresholdsConfig config;
  config.defaults.counters.emplace_back(counter_glob, Direction::kLowerIsBetter);
  return config;
}

const BenchmarkComparison& find(const Comparison& c, const std::string& name) {
  for (const auto& b : c.benchmarks) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("no " + name);
}

TEST(Calibration, UniformlySlowerMachineIsDividedOut) {
  RunMaker runs(1);
  const auto base = runs.make(kCode, 1.0);
  const auto cur = runs.make(kCode, 1.30);
  Comparison c;
  compare_results(base, cur, config_gating("*_p95_ms"), Mode::kTime, "bench_dsp", c);
  EXPECT_FALSE(c.failed());
  ASSERT_EQ(c.machine_speed.size(), 1u);
  EXPECT_TRUE(c.machine_speed[0].applied);
  EXPECT_NEAR(c.machine_speed[0].change, 0.30, 0.02);
  EXPECT_EQ(c.machine_speed[0].group, "bench_dsp");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("bench_dsp: the machine ran at another speed"), std::string::npos)
      << c.warnings[0];
  for (const char* name : {"BM_Filter", "BM_Welch"}) {
    const auto& b = find(c, name);
    EXPECT_EQ(b.status, Status::kOk) << name;
    for (const auto& m : b.metrics) {
      EXPECT_LT(std::abs(m.change), 0.05) << name << " " << m.name;  // rows, rates, ms alike
    }
  }
  const auto& reference = find(c, kCalibration);
  EXPECT_EQ(reference.status, Status::kOk);
  EXPECT_FALSE(reference.metrics.front().gated);
  EXPECT_NEAR(reference.metrics.front().change, 0.30, 0.02);  // shown raw
}

TEST(Calibration, WithoutItASlowdownIsARegression) {
  RunMaker runs(2);
  const auto base = runs.make(kCode, 1.0);
  const auto cur = runs.make(kCode, 1.30);
  ThresholdsConfig config;
  config.calibration.enabled = false;
  Comparison c;
  compare_results(base, cur, config, Mode::kTime, "", c);
  EXPECT_TRUE(c.failed());
  EXPECT_TRUE(c.machine_speed.empty());
  EXPECT_EQ(find(c, kCalibration).status, Status::kRegressed);  // an ordinary benchmark now
}

TEST(Calibration, ARegressionOnASlowerMachineIsCaught) {
  RunMaker runs(3);
  const auto base = runs.make(kCode, 1.0);
  auto slower_code = kCode;
  slower_code[1].second *= 1.25;  // BM_Filter does 25 % more work
  const auto cur = runs.make(slower_code, 1.30);
  Comparison c;
  compare_results(base, cur, ThresholdsConfig{}, Mode::kTime, "", c);
  EXPECT_TRUE(c.failed());
  const auto& filter = find(c, "BM_Filter");
  EXPECT_EQ(filter.status, Status::kRegressed);
  EXPECT_NEAR(filter.metrics.front().change, 0.25, 0.03);
  EXPECT_EQ(find(c, "BM_Welch").status, Status::kOk);
}

TEST(Calibration, AFasterMachineDoesNotHideARegression) {
  RunMaker runs(4);
  const auto base = runs.make(kCode, 1.0);
  auto slower_code = kCode;
  slower_code[2].second *= 1.25;  // BM_Welch does 25 % more work, on a machine 20 % faster
  const auto cur = runs.make(slower_code, 0.80);
  Comparison c;
  compare_results(base, cur, ThresholdsConfig{}, Mode::kTime, "", c);
  EXPECT_EQ(find(c, "BM_Welch").status, Status::kRegressed);
  EXPECT_EQ(find(c, "BM_Filter").status, Status::kOk);  // raw -20 % is not an improvement
}

TEST(Calibration, ChangesWithinToleranceAreLeftAlone) {
  RunMaker runs(5);
  const auto base = runs.make(kCode, 1.0);
  const auto cur = runs.make(kCode, 1.02);
  Comparison c;
  compare_results(base, cur, ThresholdsConfig{}, Mode::kTime, "", c);
  ASSERT_EQ(c.machine_speed.size(), 1u);
  EXPECT_FALSE(c.machine_speed[0].applied);
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_NEAR(find(c, "BM_Filter").metrics.front().change, 0.02, 0.02);  // raw
}

TEST(Calibration, NoReferenceInBaselineMeansRawTimes) {
  RunMaker runs(6);
  const auto base = runs.make({kCode[1], kCode[2]}, 1.0);
  const auto cur = runs.make(kCode, 1.30);
  Comparison c;
  compare_results(base, cur, ThresholdsConfig{}, Mode::kTime, "", c);
  EXPECT_TRUE(c.machine_speed.empty());
  EXPECT_EQ(find(c, "BM_Filter").status, Status::kRegressed);
  EXPECT_EQ(find(c, kCalibration).status, Status::kNew);
}

// Wall-time benchmarks (the time metric is real_time) on a machine whose CPUs were taken by
// other work: a regression is at most suspect, with a warning; CPU-time benchmarks still fail.
TEST(Calibration, OversubscribedWallTimeIsSuspect) {
  const std::vector<std::pair<std::string, double>> code = {
      {kCalibration, 100000.0}, {"BM_Fft/2/real_time", 2000.0}, {"BM_Fir", 3000.0}};
  auto slower = code;
  slower[1].second *= 1.5;
  slower[2].second *= 1.5;
  ThresholdsConfig config;
  Rule wall;
  wall.match = "*/real_time";
  wall.settings.metric = TimeMetric::kRealTime;
  config.rules.push_back(wall);
  auto status_of = [&](const ResultSet& base, const ResultSet& cur, Comparison& c) {
    compare_results(base, cur, config, Mode::kTime, "", c);
    return std::make_pair(find(c, "BM_Fft/2/real_time").status, find(c, "BM_Fir").status);
  };
  RunMaker runs(7);
  {  // a quiet machine: both regress
    Comparison c;
    const auto [fft, fir] = status_of(runs.make(code, 1.0), runs.make(slower, 1.0), c);
    EXPECT_EQ(fft, Status::kRegressed);
    EXPECT_EQ(fir, Status::kRegressed);
    EXPECT_TRUE(c.warnings.empty());
  }
  {  // the current run's calibration had a CPU for 90 % of its wall time
    Comparison c;
    const auto [fft, fir] = status_of(runs.make(code, 1.0), runs.make(slower, 1.0, 0.9), c);
    EXPECT_EQ(fft, Status::kSuspect);
    EXPECT_NE(find(c, "BM_Fft/2/real_time").detail.find("oversubscribed"), std::string::npos);
    EXPECT_EQ(std::count_if(c.warnings.begin(), c.warnings.end(),
                            [](const std::string& w) {
                              return w.find(
                                         ": the machine was oversubscribed (calibration/"
                                         "machine_speed had a CPU for 90 % of its wall "
                                         "time)") != std::string::npos;
                            }),
              1);
  }
  {  // a high load average alone is no evidence: our own many-threaded benchmarks leave it high
    auto cur = runs.make(slower, 1.0);
    cur.context = {{"load_avg", "[12.7,9.1,6.7]"}, {"num_cpus", "2"}};
    Comparison c;
    const auto [fft, fir] = status_of(runs.make(code, 1.0), cur, c);
    EXPECT_EQ(fft, Status::kRegressed);
    EXPECT_EQ(fir, Status::kRegressed);
  }
  {  // the baseline's calibration had a CPU for 80 % of its wall time
    Comparison c;
    const auto [fft, fir] = status_of(runs.make(code, 1.0, 0.8), runs.make(slower, 1.0), c);
    EXPECT_EQ(fft, Status::kSuspect);
    EXPECT_EQ(fir, Status::kRegressed);
    // (Its CPU time also says the machine ran at another speed: a second warning.)
    EXPECT_EQ(std::count_if(c.warnings.begin(), c.warnings.end(),
                            [](const std::string& w) {
                              return w.find(
                                         "calibration/machine_speed had a CPU for 80 % of its "
                                         "wall time") != std::string::npos;
                            }),
              1);
  }
}

TEST(Calibration, ConfigReadsFieldsAndListsProblems) {
  const auto c = parse_thresholds(R"(
calibration:
  enabled: false
  match: "ref/*"
  tolerance: 5%
)",
                                  "t.yaml");
  EXPECT_FALSE(c.calibration.enabled);
  EXPECT_EQ(c.calibration.match, "ref/*");
  EXPECT_DOUBLE_EQ(c.calibration.tolerance, 0.05);
  EXPECT_TRUE(ThresholdsConfig{}.calibration.enabled);
  try {
    parse_thresholds("calibration:\n  enabled: maybe\n  tolerance: 300\n  speed: 1\n", "t.yaml");
    ADD_FAILURE() << "no exception";
  } catch (const base::InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("t.yaml:2: calibration.enabled: expected true or false"), std::string::npos)
        << what;
    EXPECT_NE(what.find("t.yaml:3: calibration.tolerance"), std::string::npos) << what;
    EXPECT_NE(what.find("t.yaml:4: calibration.speed: unknown field"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace neuro::compare
