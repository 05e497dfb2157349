// History across synthetic run folders with a planted step: the step is found between the right
// runs and named by their revisions; flat and noisy series have none; runs are ordered by date.
#include "tools/suite/history.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/base/errors.hpp"

namespace neuro::suite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("history-test-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Run `index` (folder names out of date order on purpose): BM_Step at `step_ns` from run
  // `step_at` on, else 1000 ns; BM_Flat at 500 ns; 5 repetitions with 1 % noise each.
  void write_run(int index, int step_at, double step_ns, std::mt19937& rng) {
    std::normal_distribution<double> noise(1.0, 0.01);
    const fs::path dir = root_ / "reports" / ("z" + std::to_string(20 - index));
    fs::create_directories(dir);
    char date[64];
    std::snprintf(date, sizeof date, "2026-11-%02dT02:17:00+00:00", index + 1);
    json doc = {{"context", {{"date", date}, {"git_revision", "rev" + std::to_string(index)}}},
                {"benchmarks", json::array()}};
    for (int rep = 0; rep < 5; ++rep) {
      const double step = (index >= step_at ? step_ns : 1000.0) * noise(rng);
      const double flat = 500.0 * noise(rng);
      for (const auto& [name, family, ns] :
           {std::tuple{"BM_Flat", 1, flat}, std::tuple{"BM_Step", 0, step}}) {
        doc["benchmarks"].push_back({{"name", name},
                                     {"run_name", name},
                                     {"run_type", "iteration"},
                                     {"family_index", family},
                                     {"per_family_instance_index", 0},
                                     {"repetitions", 5},
                                     {"iterations", 100},
                                     {"real_time", ns},
                                     {"cpu_time", ns},
                                     {"time_unit", "ns"}});
      }
    }
    std::ofstream(dir / "bench_x.json") << doc.dump();
  }

  fs::path root_;
};

TEST_F(History, FindsThePlantedStepAndNamesTheRevisions) {
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) write_run(i, 7, 1150.0, rng);  // +15 % from run 7 on
  const auto h = read_history({root_ / "reports"}, {});
  ASSERT_EQ(h.runs.size(), 12u);
  for (std::size_t i = 0; i < h.runs.size(); ++i) {
    EXPECT_EQ(h.runs[i].revision, "rev" + std::to_string(i)) << "runs not in date order";
  }
  ASSERT_EQ(h.series.size(), 2u);
  EXPECT_EQ(h.series[0].benchmark, "BM_Step");  // declared order: family 0 first
  const Series& step = h.series[0];
  ASSERT_EQ(step.points.size(), 12u);
  ASSERT_EQ(step.changes.size(), 1u);
  EXPECT_EQ(step.changes[0].before_run, 6u);
  EXPECT_EQ(step.changes[0].after_run, 7u);
  EXPECT_NEAR(step.changes[0].change, 0.15, 0.03);
  EXPECT_LT(step.changes[0].p_value, 0.01);
  EXPECT_TRUE(h.series[1].changes.empty()) << "a flat series has no step";
  const std::string md = render_history_markdown(h);
  EXPECT_NE(md.find("between run 6 (rev6) and run 7 (rev7)"), std::string::npos) << md;
  EXPECT_NE(md.find("| `BM_Flat` | 12 |"), std::string::npos) << md;
}

TEST_F(History, NoStepInNoiseAndBelowTheThreshold) {
  std::mt19937 rng(11);
  for (int i = 0; i < 12; ++i) write_run(i, 6, 1030.0, rng);  // +3 %: below the 5 % threshold
  const auto h = read_history({root_ / "reports"}, {});
  for (const auto& s : h.series) EXPECT_TRUE(s.changes.empty()) << s.benchmark;
  // The same data with a 2 % threshold finds it.
  const auto tight = read_history({root_ / "reports"}, {3, 0.02, 0.01});
  ASSERT_EQ(tight.series[0].changes.size(), 1u);
  EXPECT_EQ(tight.series[0].changes[0].after_run, 6u);
}

TEST_F(History, TwoStepsAndRunFoldersGivenOneByOne) {
  std::mt19937 rng(3);
  for (int i = 0; i < 14; ++i) write_run(i, 100, 0, rng);
  // Re-write runs 5.. at 1300 and 10.. back at 1000: two steps, up then down.
  std::vector<HistoryPoint> points;
  std::normal_distribution<double> noise(1.0, 0.01);
  for (std::size_t r = 0; r < 15; ++r) {
    HistoryPoint p;
    p.run = r;
    const double level = r >= 5 && r < 10 ? 1300.0 : 1000.0;
    for (int k = 0; k < 5; ++k) p.samples_ns.push_back(level * noise(rng));
    p.median_ns = level;
    points.push_back(p);
  }
  const auto changes = find_change_points(points, {});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].after_run, 5u);
  EXPECT_GT(changes[0].change, 0.25);
  EXPECT_EQ(changes[1].after_run, 10u);
  EXPECT_LT(changes[1].change, -0.2);
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root_ / "reports")) dirs.push_back(e.path());
  EXPECT_EQ(read_history(dirs, {}).runs.size(), 14u);
  EXPECT_THROW(read_history({root_ / "nope"}, {}), base::InvalidArgument);
  fs::create_directories(root_ / "empty");
  EXPECT_THROW(read_history({root_ / "empty"}, {}), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::suite
