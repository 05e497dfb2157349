// The comparison end to end on crafted fixture pairs (fixtures/compare/make_fixtures.py): every
// status, every exit-relevant situation, every output format, and the noise robustness of the
// gate on a simulated same-build-vs-itself run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/compare/compare_inputs.hpp"
#include "tools/compare/fingerprint.hpp"
#include "tools/compare/render.hpp"

namespace neuro::compare {
namespace {

std::string fixture(const std::string& name) {
  return std::string(NEURO_FIXTURES_DIR) + "/compare/" + name;
}

CompareOutcome compare_pair(const std::string& pair, Mode mode = Mode::kAuto) {
  CompareOptions o;
  o.baseline = fixture(pair + "_base.json");
  o.current = fixture(pair + "_cur.json");
  o.mode = mode;
  return run_comparison(o);
}

std::map<std::string, std::string> statuses(const Comparison& c) {
  std::map<std::string, std::string> out;
  for (const auto& b : c.benchmarks) out[b.name] = status_name(b.status);
  return out;
}

TEST(Compare, EveryStatus) {
  const auto outcome = compare_pair("statuses");
  EXPECT_TRUE(outcome.foreign.empty());
  const std::map<std::string, std::string> expected = {{"BM_Ok", "ok"},
                                                       {"BM_Improved", "improved"},
                                                       {"BM_Regressed", "regressed"},
                                                       {"BM_Suspect", "suspect"},
                                                       {"BM_Noisy", "noisy"},
                                                       {"BM_Missing", "missing"},
                                                       {"BM_Errored", "errored"},
                                                       {"BM_Skipped", "skipped"},
                                                       {"BM_Unit", "unit-changed"},
                                                       {"BM_Counter", "regressed"},
                                                       {"BM_Manual/manual_time", "regressed"},
                                                       {"BM_New", "new"}};
  EXPECT_EQ(statuses(outcome.comparison), expected);
  EXPECT_TRUE(outcome.comparison.failed());
  for (const auto& b : outcome.comparison.benchmarks) {
    if (b.name == "BM_Manual/manual_time") {
      EXPECT_EQ(b.metrics.front().name, "real_time");
    }
    if (b.name == "BM_Counter") {
      EXPECT_EQ(b.metrics[1].name, "samples_per_second");
    }
    if (b.name == "BM_Regressed") {
      EXPECT_NEAR(b.metrics.front().change, 0.30, 1e-12);
    }
  }
}

TEST(Compare, IdenticalRunsPass) {
  const auto outcome = compare_pair("identical");
  EXPECT_FALSE(outcome.comparison.failed());
  EXPECT_EQ(outcome.comparison.counts().at(Status::kOk), 2u);
}

TEST(Compare, ThreeRepetitionsCanOnlyBeSuspect) {
  const auto outcome = compare_pair("three_reps");
  ASSERT_EQ(outcome.comparison.benchmarks.size(), 1u);
  const auto& b = outcome.comparison.benchmarks[0];
  EXPECT_EQ(b.status, Status::kSuspect);
  EXPECT_DOUBLE_EQ(b.metrics[0].min_p, 0.05);
  EXPECT_FALSE(outcome.comparison.failed());
}

TEST(Compare, AggregatesOnlyHaveNoSignificance) {
  const auto outcome = compare_pair("aggregates");
  const auto& b = outcome.comparison.benchmarks.at(0);
  EXPECT_EQ(b.status, Status::kSuspect);
  EXPECT_LT(b.metrics[0].p_value, 0);
  EXPECT_NE(b.detail.find("aggregates only"), std::string::npos);
}

TEST(Compare, RepeatsSuffixIsNotPartOfTheKey) {
  const auto outcome = compare_pair("repeats");
  ASSERT_EQ(outcome.comparison.benchmarks.size(), 1u);
  EXPECT_EQ(outcome.comparison.benchmarks[0].name, "BM_A/8");
  EXPECT_EQ(outcome.comparison.benchmarks[0].status, Status::kOk);
}

TEST(Compare, InstructionModeHasNoStatistics) {
  const auto outcome = compare_pair("callgrind");
  EXPECT_EQ(outcome.comparison.mode, Mode::kInstructions);
  const auto& b = outcome.comparison.benchmarks.at(0);
  EXPECT_EQ(b.status, Status::kRegressed);  // +3 % at 2 %, one sample each
  EXPECT_DOUBLE_EQ(b.threshold, 0.02);
  EXPECT_THROW(compare_pair("identical", Mode::kInstructions), base::InvalidArgument);
  EXPECT_EQ(compare_pair("callgrind", Mode::kTime).comparison.mode, Mode::kTime);
}

TEST(Compare, ForeignBaselineIsRefusedUnlessAllowed) {
  CompareOptions o;
  o.baseline = fixture("foreign_base.json");
  o.current = fixture("identical_cur.json");
  const auto refused = run_comparison(o);
  ASSERT_EQ(refused.foreign.size(), 2u);  // cpu_model and num_cpus
  EXPECT_NE(refused.foreign[0].find("cpu_model"), std::string::npos);
  o.allow_foreign_baseline = true;
  const auto allowed = run_comparison(o);
  EXPECT_TRUE(allowed.foreign.empty());
  EXPECT_EQ(allowed.comparison.warnings.size(), 2u);
}

// Debian's libbenchmark calls itself a debug build: the comparison says so once, explained, not
// once per file; a library that really is a debug build is still named per file.
TEST(Compare, DistributionsLibraryIsExplainedOnce) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("neuro_compare_library_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& library) {
    const nlohmann::json doc = {
        {"context",
         {{"library_build_type", "debug"}, {"benchmark_library", library}, {"num_cpus", 2}}},
        {"benchmarks",
         {{{"name", "BM_A"},
           {"run_name", "BM_A"},
           {"run_type", "iteration"},
           {"iterations", 10},
           {"real_time", 2.0},
           {"cpu_time", 1.0},
           {"time_unit", "us"}}}}};
    std::ofstream(dir / name) << doc.dump();
    return dir / name;
  };
  CompareOptions o;
  o.baseline = write("debian_base.json", "/usr/lib/x86_64-linux-gnu/libbenchmark.so.1.7.1");
  o.current = write("debian_cur.json", "/usr/lib/x86_64-linux-gnu/libbenchmark.so.1.7.1");
  const auto debian = run_comparison(o).comparison.warnings;
  ASSERT_EQ(debian.size(), 1u);
  EXPECT_NE(debian[0].find("Debian's package"), std::string::npos) << debian[0];
  o.baseline = write("own_base.json", "/opt/benchmark/lib/libbenchmark.a");
  o.current = write("own_cur.json", "/opt/benchmark/lib/libbenchmark.a");
  const auto own = run_comparison(o).comparison.warnings;
  ASSERT_EQ(own.size(), 2u);
  EXPECT_NE(own[0].find("own_base.json: the benchmark library is a debug build"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Compare, DirectoriesPairFilesAndThresholds) {
  CompareOptions o;
  o.baseline = fixture("dirs/baselines");
  o.current = fixture("dirs/run");
  const auto outcome = run_comparison(o);
  ASSERT_EQ(outcome.comparison.benchmarks.size(), 1u);
  EXPECT_EQ(outcome.comparison.benchmarks[0].group, "bench_x");
  EXPECT_EQ(outcome.comparison.benchmarks[0].status, Status::kOk);  // 30 % within its 40 %
  o.config = fixture("missing.yaml");
  EXPECT_THROW(run_comparison(o), base::InvalidArgument);
}

TEST(Compare, FilterRestrictsBothSides) {
  CompareOptions o;
  o.baseline = fixture("statuses_base.json");
  o.current = fixture("statuses_cur.json");
  o.filter = "^BM_(Ok|Improved)$";
  const auto outcome = run_comparison(o);
  EXPECT_EQ(outcome.comparison.benchmarks.size(), 2u);
  EXPECT_FALSE(outcome.comparison.failed());
  o.filter = "([";
  EXPECT_THROW(run_comparison(o), base::InvalidArgument);
}

std::string error_of(const std::string& base, const std::string& cur) {
  try {
    CompareOptions o;
    o.baseline = fixture(base);
    o.current = fixture(cur);
    run_comparison(o);
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "no error";
}

TEST(Compare, MalformedInputNamesFileAndJsonPath) {
  EXPECT_NE(error_of("truncated.json", "identical_cur.json")
                .find("truncated.json: not valid JSON at $.benchmarks[1]"),
            std::string::npos);
  EXPECT_NE(error_of("identical_base.json", "wrong_type.json")
                .find("wrong_type.json: $.benchmarks[2].cpu_time: expected a number, got "
                      "\"fast\""),
            std::string::npos);
  EXPECT_NE(error_of("nope.json", "identical_cur.json").find("nope.json: no such baseline"),
            std::string::npos);
  EXPECT_NE(error_of("identical_base.json", "nope.json").find("nope.json: no such file"),
            std::string::npos);
}

TEST(BenchmarkJson, ReadsVersions17To19) {
  // 1.8+ writes skipped/skip_message; cv aggregates are fractions; bare NaN/Infinity; unknown
  // fields (json_schema_version, complexity) are ignored; BigO/RMS rows are not benchmarks.
  const auto file = bench_json::parse_benchmark_json(R"({
    "context": {"json_schema_version": 1, "num_cpus": 4, "load_avg": [9.5, 1, 1],
                "cpu_scaling_enabled": true, "build_type": "Debug"},
    "benchmarks": [
      {"name": "BM_S", "run_name": "BM_S", "run_type": "iteration", "skipped": true,
       "skip_message": "no redis", "new_field": {"nested": [1, 2]}},
      {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "iterations": 10,
       "real_time": 2, "cpu_time": 1, "time_unit": "us", "x_per_second": Infinity, "y": NaN},
      {"name": "BM_A_cv", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "cv",
       "aggregate_unit": "percentage", "real_time": 0.02, "cpu_time": 0.03, "time_unit": "us"},
      {"name": "BM_A_BigO", "run_name": "BM_A", "run_type": "aggregate",
       "aggregate_name": "BigO", "cpu_coefficient": 1.0, "big_o": "N"}
    ]})",
                                                     "v19.json");
  const auto set = group_results(file);
  ASSERT_EQ(set.benchmarks.size(), 2u);
  EXPECT_EQ(set.benchmarks[0].skipped.value_or(""), "no redis");
  const auto& a = *set.find("BM_A");
  EXPECT_EQ(a.cpu_time_ns, std::vector<double>{1000.0});
  EXPECT_DOUBLE_EQ(a.cv.at("cpu_time"), 0.03);
  EXPECT_FALSE(a.aggregates_only);
  const auto warnings = run_warnings(set.context, "v19.json");
  EXPECT_EQ(warnings.size(), 3u);  // scaling, load 9.5 > 4 CPUs, debug build
}

TEST(BenchmarkJson, OnlyServiceUnavailableIsASkip) {
  const auto file = bench_json::parse_benchmark_json(R"({"benchmarks": [
      {"name": "BM_Db", "run_name": "BM_Db", "run_type": "iteration", "error_occurred": true,
       "error_message": "service unavailable: postgresql://127.0.0.1:1/x: connection refused"},
      {"name": "BM_Broken", "run_name": "BM_Broken", "run_type": "iteration",
       "error_occurred": true, "error_message": "wrong row count"}]})",
                                                     "v17.json");
  ASSERT_EQ(file.rows.size(), 2u);
  EXPECT_FALSE(file.rows[0].error.has_value());
  EXPECT_NE(file.rows[0].skipped.value_or("").find("connection refused"), std::string::npos);
  EXPECT_EQ(file.rows[1].error.value_or(""), "wrong row count");
  EXPECT_FALSE(file.rows[1].skipped.has_value());
}

TEST(Render, EveryFormatCarriesTheVerdict) {
  const auto c = compare_pair("statuses").comparison;
  EXPECT_NE(render_text(c).find("regressed    BM_Regressed"), std::string::npos);
  const auto md = render_markdown(c);
  EXPECT_NE(md.find("## neuroperf compare: FAIL"), std::string::npos);
  EXPECT_NE(md.find("| **regressed** | `BM_Regressed`"), std::string::npos) << md;
  const auto json = nlohmann::json::parse(render_json(c));
  EXPECT_TRUE(json["failed"].get<bool>());
  EXPECT_EQ(json["counts"]["regressed"], 3);
  const auto junit = render_junit(c);
  EXPECT_NE(junit.find("failures=\"5\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("<skipped message=\"skipped; no GPU\"/>"), std::string::npos);
  const auto gh = render_github(c);
  EXPECT_NE(gh.find("::error title=BM_Regressed::regressed: cpu_time 100 ns -> 130 ns (+30.0%25"),
            std::string::npos)
      << gh;
  EXPECT_NE(gh.find("::warning title=BM_Suspect::"), std::string::npos);
  EXPECT_THROW(parse_format("yaml"), base::InvalidArgument);
}

// Same build against itself: 1000 benchmarks x 10 repetitions drawn from the same distributions
// (5 % lognormal noise, 1 % outliers), 20 such runs: no regression may appear.
TEST(Compare, SameBuildAgainstItselfNeverRegresses) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> noise(0.0, 0.05);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto make = [&](std::size_t benchmarks) {
    ResultSet set;
    for (std::size_t i = 0; i < benchmarks; ++i) {
      BenchmarkResult r;
      r.name = "BM_" + std::to_string(i);
      r.time_unit = "ns";
      for (int k = 0; k < 10; ++k) {
        double t = 1000.0 * (1 + static_cast<double>(i % 7)) * noise(rng);
        if (unit(rng) < 0.01) t *= 3;  // a preempted repetition
        r.cpu_time_ns.push_back(t);
        r.real_time_ns.push_back(t);
      }
      set.index[r.name] = set.benchmarks.size();
      set.benchmarks.push_back(std::move(r));
    }
    return set;
  };
  for (int run = 0; run < 20; ++run) {
    Comparison c;
    compare_results(make(1000), make(1000), ThresholdsConfig{}, Mode::kTime, "", c);
    EXPECT_FALSE(c.failed()) << summary_line(c);
    for (const auto& b : c.benchmarks) {
      if (b.status == Status::kRegressed) {
        Comparison one;
        one.benchmarks = {b};
        ADD_FAILURE() << render_text(one);
      }
    }
  }
}

}  // namespace
}  // namespace neuro::compare
