// The suite page from a crafted run folder: every section, declared order, and every way a run
// can go wrong (failed executable, errored and skipped benchmarks, missing benchmark, no
// baseline) shown as such, never as ok; strings from the files are escaped.
#include "tools/suite/suite_html.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/base/errors.hpp"
#include "tools/suite/suite_run.hpp"

namespace neuro::suite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json iteration(const std::string& name, int family, int instance, double ns) {
  return {{"name", name},
          {"run_name", name},
          {"run_type", "iteration"},
          {"family_index", family},
          {"per_family_instance_index", instance},
          {"repetitions", 3},
          {"threads", 1},
          {"iterations", 10},
          {"real_time", ns},
          {"cpu_time", ns},
          {"time_unit", "ns"},
          {"items_per_second", 1e9 / ns}};
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class SuitePage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("suite-page-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    // bench_x: run order B/1, A, B/0 (random interleaving); an errored and a skipped one.
    json x = {{"context",
               {{"cpu_model", "Fake <b>CPU</b>"},
                {"num_cpus", 2},
                {"git_revision", "abc1234"},
                {"build_type", "release"}}},
              {"benchmarks", json::array()}};
    for (int rep = 0; rep < 3; ++rep) {
      x["benchmarks"].push_back(iteration("BM_B/1", 1, 1, 300 + rep));
      x["benchmarks"].push_back(iteration("BM_A", 0, 0, 100 + rep));
      x["benchmarks"].push_back(iteration("BM_B/0", 1, 0, 200 + rep));
    }
    json err = iteration("BM_Err", 2, 0, 0);
    err["error_occurred"] = true;
    err["error_message"] = "boom <script>alert(1)</script>";
    x["benchmarks"].push_back(err);
    json skip = iteration("BM_Skip", 3, 0, 0);
    skip["error_occurred"] = true;
    skip["error_message"] = "service unavailable: redis down";
    x["benchmarks"].push_back(skip);
    write(dir_ / "bench_x.json", x.dump());
    write(dir_ / "bench_x.txt", "console");
    json cmp = {{"failed", true},
                {"warnings", {"the machine was oversubscribed (test)"}},
                {"machine_speed",
                 {{{"benchmark", "calibration/machine_speed"},
                   {"change", 0.05},
                   {"p_value", 0.01},
                   {"applied", true}}}},
                {"benchmarks",
                 {{{"name", "BM_A"},
                   {"status", "regressed"},
                   {"threshold", 0.1},
                   {"metrics",
                    {{{"name", "cpu_time"},
                      {"baseline", 80.0},
                      {"current", 101.0},
                      {"change", 0.2625},
                      {"p_value", 0.002}}}}},
                  {{"name", "BM_B/0"},
                   {"status", "ok"},
                   {"threshold", 0.1},
                   {"metrics",
                    {{{"name", "cpu_time"},
                      {"baseline", 200.0},
                      {"current", 201.0},
                      {"change", 0.005},
                      {"p_value", 1.0}}}}},
                  {{"name", "BM_Gone"},
                   {"status", "missing"},
                   {"detail", "in the baseline only"},
                   {"metrics", json::array()}}}}};
    write(dir_ / "compare_bench_x.json", cmp.dump());
    // bench_y: no baseline for this machine (recorded as local); bench_z: no JSON at all.
    json y = {{"context", {{"cpu_model", "Fake"}}},
              {"benchmarks", {iteration("BM_Y", 0, 0, 50), iteration("BM_Y", 0, 0, 51)}}};
    write(dir_ / "bench_y.json", y.dump());
    write(dir_ / "bench_z.txt", "crashed");
    write(dir_ / "verdicts.tsv",
          "executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n"
          "bench_x\tfake-2cpu\tcommitted\tbaselines/fake-2cpu/bench_x.json\t1\n"
          "bench_y\tfake-2cpu\trecorded\t/state/baselines/fake-2cpu/bench_y.json\t77\n");
    write(dir_ / "anchor_dsp_scipy.json", json{{"rounds", 3},
                                               {"anchors",
                                                {{"filter",
                                                  {{"what", "scipy sosfiltfilt"},
                                                   {"seconds", {0.3, 0.2, 0.1}},
                                                   {"vs", {{"BM_A", 2.5}}}}}}}}
                                              .dump());
    fs::create_directories(dir_ / "load_closed");
    fs::copy_file(std::string(NEURO_FIXTURES_DIR) + "/load/closed_users.json",
                  dir_ / "load_closed" / "result.json");
    write(dir_ / "load_closed" / "report.html", "<html></html>");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string page() {
    std::ostringstream out;
    write_suite_page(read_suite_run(dir_), out);
    return out.str();
  }
  const Executable& exe(const SuiteRun& run, const std::string& name) {
    for (const auto& e : run.executables) {
      if (e.name == name) return e;
    }
    throw std::runtime_error("no " + name);
  }

  fs::path dir_;
};

TEST_F(SuitePage, VerdictsNeverOkWithoutAPassingComparison) {
  const auto run = read_suite_run(dir_);
  ASSERT_EQ(run.executables.size(), 3u);
  EXPECT_EQ(executable_verdict(exe(run, "bench_x")), "FAIL");
  EXPECT_EQ(executable_verdict(exe(run, "bench_y")), "NO BASELINE");
  EXPECT_EQ(executable_verdict(exe(run, "bench_z")), "FAILED");
  EXPECT_EQ(exe(run, "bench_y").baseline_kind, "recorded");
  // Declared order, not run order.
  std::vector<std::string> names;
  for (const auto& r : exe(run, "bench_x").rows) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"BM_A", "BM_B/0", "BM_B/1", "BM_Err", "BM_Skip"}));
  EXPECT_DOUBLE_EQ(exe(run, "bench_x").rows[0].cpu_time_ns, 101.0);  // median of 100..102
}

TEST_F(SuitePage, EverySectionAndEveryStatusShownAsSuch) {
  const std::string html = page();
  for (const char* id : {"id=\"overview\"", "id=\"exe-bench_x\"", "id=\"exe-bench_y\"",
                         "id=\"exe-bench_z\"", "id=\"anchors\"", "id=\"load\"", "id=\"files\"",
                         "id=\"machine\"", "id=\"calibration\"", "id=\"warnings\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos) << "unescaped script from a file";
  EXPECT_NE(html.find("boom &lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Fake &lt;b&gt;CPU&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("data-status=\"errored\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"skipped\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"missing\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"regressed\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"not compared\""), std::string::npos);  // bench_y's row
  EXPECT_NE(html.find("Not compared: no baseline for this machine"), std::string::npos);
  EXPECT_NE(html.find("bench_z.json is missing"), std::string::npos);
  EXPECT_NE(html.find("+26.2 %"), std::string::npos);            // the change
  EXPECT_NE(html.find("p = 0.0020"), std::string::npos);         // in the chart
  EXPECT_NE(html.find("changed by +5.0 %"), std::string::npos);  // calibration shift
  EXPECT_NE(html.find("oversubscribed (test)"), std::string::npos);
  EXPECT_NE(html.find("items_per_second"), std::string::npos);
  EXPECT_NE(html.find("/s"), std::string::npos);
  EXPECT_NE(html.find("2.50x"), std::string::npos);  // anchor ratio
  EXPECT_NE(html.find("href=\"load_closed/report.html\""), std::string::npos);
  EXPECT_NE(html.find("class=\"load-chart\" data-chart=\"latency\""), std::string::npos);
  EXPECT_NE(html.find("href=\"compare_bench_x.json\""), std::string::npos);  // raw files
  // bench_x's rows in declared order in the table too.
  const auto a = html.find(">BM_A<"), b0 = html.find(">BM_B/0<"), b1 = html.find(">BM_B/1<");
  EXPECT_LT(a, b0);
  EXPECT_LT(b0, b1);
}

TEST_F(SuitePage, AnABNamesRevisionsAndExistingFiles) {
  write(dir_ / "base" / "bench_x.json",
        json{{"context", {{"ab_revision", "base0123456789"}, {"git_revision", "base012"}}},
             {"benchmarks", {iteration("BM_A", 0, 0, 80)}}}
            .dump());
  write(dir_ / "verdicts.tsv",
        "executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n"
        "bench_x\tfake-2cpu\tab-base\tbase/bench_x.json\t1\n");
  const auto run = read_suite_run(dir_);
  ASSERT_TRUE(run.ab);
  EXPECT_EQ(exe(run, "bench_x").base_file, fs::path("base") / "bench_x.json");
  EXPECT_EQ(exe(run, "bench_x").base_revision, "base0123456789");
  const std::string html = page();
  EXPECT_NE(html.find("<title>neuroperf A/B"), std::string::npos);
  EXPECT_NE(html.find("<dd class=\"base-revision\">base0123456789</dd>"), std::string::npos);
  EXPECT_NE(html.find("Judged against BASE's runs"), std::string::npos);
  EXPECT_NE(html.find("href=\"bench_x.txt\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"bench_y.txt\""), std::string::npos) << "bench_y has no .txt";
}

TEST_F(SuitePage, UnreadableFilesAreProblemsNotGaps) {
  write(dir_ / "compare_bench_y.json", "{not json");
  write(dir_ / "bench_w.json", "{\"benchmarks\": 3}");
  const auto run = read_suite_run(dir_);
  EXPECT_EQ(executable_verdict(exe(run, "bench_y")), "COMPARE ERROR");
  EXPECT_EQ(executable_verdict(exe(run, "bench_w")), "FAILED");
  EXPECT_THROW(read_suite_run(dir_ / "nope"), base::InvalidArgument);
  fs::create_directories(dir_ / "empty");
  EXPECT_THROW(read_suite_run(dir_ / "empty"), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::suite
