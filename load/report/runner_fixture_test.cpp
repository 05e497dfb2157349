// Reports of documents written by `neuroperf load` itself (fixtures/load/runner_*.json): the
// percentiles the runner computed from its in-memory histograms are the independent reference
// for the ones the report recomputes from the serialised buckets.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "load/report/html_report.hpp"
#include "load/report/markdown_summary.hpp"
#include "load/report/report_test_util.hpp"

namespace neuro::load_report {
namespace {

using testing::count_of;
using testing::load_fixture;
using testing::table_rows;

std::string ms3(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms);
  return buf;
}

std::string render(const nlohmann::json& doc) {
  std::ostringstream out;
  write_html_report(doc, out);
  return out.str();
}

class Runner : public ::testing::TestWithParam<std::string> {};

TEST_P(Runner, PercentilesMatchTheRunner) {
  const auto doc = load_fixture(GetParam());
  const std::string html = render(doc);
  const auto rows = table_rows(html, "<table id=\"steps\"", "class=\"step\"");
  ASSERT_EQ(rows.size(), doc["steps"].size());
  const char* const keys[] = {"p50", "p90", "p95", "p99", "p99.9", "max"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& step = doc["steps"][i];
    EXPECT_EQ(rows[i][1], std::to_string(step["requests"].get<long>()));
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(rows[i][4 + k], ms3(step["percentiles_ms"][keys[k]].get<double>()))
          << step["name"] << " " << keys[k];
    }
  }
  // One chart point per distinct second, however many phases a second was split into.
  std::set<long> seconds;
  for (const auto& p : doc["series"]) seconds.insert(p["t_s"].get<long>());
  EXPECT_EQ(table_rows(html, "data-chart=\"throughput\"><thead>").size(), seconds.size());
  // latency, throughput, arrivals (the open model's intended rate), errors, cpu, memory
  EXPECT_EQ(count_of(html, "<svg class=\"chart\""), 7u);
  std::ostringstream md;
  write_markdown_summary(doc, md);
  EXPECT_NE(md.str().find(doc["passed"].get<bool>() ? "## ✅" : "## ❌"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Runner,
                         ::testing::Values("runner_open.json", "runner_stress.json"));

TEST(RunnerDocument, StressStagesMatchTheRunner) {
  const auto doc = load_fixture("runner_stress.json");
  const std::string html = render(doc);
  const auto stages = table_rows(html, "<table id=\"stress\"");
  const auto& want = doc["stress"]["stages"];
  ASSERT_EQ(stages.size(), want.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(stages[i][1], std::to_string(want[i]["requests"].get<long>()));
    EXPECT_EQ(stages[i][4], ms3(want[i]["percentiles_ms"]["p95"].get<double>())) << "stage " << i;
    EXPECT_EQ(stages[i][5], want[i]["passed"].get<bool>() ? "pass" : "FAIL");
  }
  EXPECT_NE(html.find("Knee: <b>1400 req/s</b>"), std::string::npos);
}

TEST(RunnerDocument, EscapesTheScenarioName) {
  const std::string html = render(load_fixture("runner_open.json"));
  EXPECT_EQ(count_of(html, "<b>check"), 0u);
  EXPECT_NE(html.find("<h1>open &lt;b&gt;check&lt;/b&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("slow &quot;one&quot;"), std::string::npos);
}

}  // namespace
}  // namespace neuro::load_report
