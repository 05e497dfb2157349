#include "load/report/markdown_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "load/report/html_report.hpp"
#include "load/report/report_test_util.hpp"

namespace neuro::load_report {
namespace {

using testing::count_of;
using testing::load_fixture;

std::string render(const std::string& fixture) {
  std::ostringstream out;
  write_markdown_summary(load_fixture(fixture), out);
  return out.str();
}

// The cells of a markdown table row, split on pipes that are not backslash-escaped.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      cell += line.substr(i, 2);
      ++i;
    } else if (line[i] == '|') {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

// The rows of the table whose header line starts with `header`.
std::vector<std::vector<std::string>> table(const std::string& md, const std::string& header) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(md);
  std::string line;
  bool inside = false;
  int skip = 0;
  while (std::getline(in, line)) {
    if (!inside && line.rfind(header, 0) == 0) {
      inside = true;
      skip = 1;  // the |---| line
      continue;
    }
    if (!inside) continue;
    if (line.empty() || line[0] != '|') break;
    if (skip-- > 0) continue;
    rows.push_back(cells(line));
  }
  return rows;
}

class Markdown : public ::testing::TestWithParam<std::string> {};

TEST_P(Markdown, StepTableMatchesPython) {
  const auto expected = load_fixture(GetParam() + ".expected.json");
  const std::string md = render(GetParam() + ".json");
  std::vector<std::vector<std::string>> rows;
  for (auto& row : table(md, "| Step |")) {
    if (row[0].rfind("↳", 0) != 0) rows.push_back(row);  // a step's own rows only
  }
  ASSERT_EQ(rows.size(), expected["steps"].size());
  const char* const keys[] = {"p50", "p90", "p95", "p99", "p99.9", "max"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& want = expected["steps"][i];
    ASSERT_EQ(rows[i].size(), 10u) << md;
    EXPECT_EQ(rows[i][1], std::to_string(want["requests"].get<long>()));
    EXPECT_EQ(rows[i][3], std::to_string(want["errors_total"].get<long>()));
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(rows[i][4 + k], want["latency_ms"][keys[k]].get<std::string>()) << keys[k];
    }
  }
  const std::string verdict =
      expected["passed"].get<bool>() ? "## ✅ Load test passed: " : "## ❌ Load test failed: ";
  EXPECT_EQ(md.rfind(verdict, 0), 0u) << md.substr(0, 80);
  std::size_t failed = 0;
  for (const auto& row : table(md, "| | Threshold |")) failed += row[0] == "❌ fail";
  EXPECT_EQ(failed, expected["thresholds_failed"].size());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Markdown,
                         ::testing::Values("closed_users", "open_rate", "stress_knee",
                                           "soak_leak"));

TEST(MarkdownSummary, EscapesStringsOfTheDocument) {
  const std::string md = render("closed_users.json");
  EXPECT_EQ(count_of(md, "<script"), 0u);
  EXPECT_EQ(count_of(md, "<img"), 0u);
  EXPECT_EQ(count_of(md, "<b>"), 0u);
  EXPECT_NE(md.find("| GET /api/v2/sessions/${id} &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; "
                    "'quotes' |"),
            std::string::npos)
      << md;
  EXPECT_NE(
      md.find(
          "- ⚠️ client CPU above 90%: &lt;img src=x onerror=alert(1)&gt; is the bottleneck"),
      std::string::npos);
}

TEST(MarkdownSummary, PipesInNamesAreEscaped) {
  auto doc = load_fixture("open_rate.json");
  doc["steps"][0]["name"] = "a|b`c`*d*";
  std::ostringstream out;
  write_markdown_summary(doc, out);
  const auto rows = table(out.str(), "| Step |");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].size(), 10u);
  EXPECT_EQ(rows[0][0], "a\\|b\\`c\\`\\*d\\*");
}

TEST(MarkdownSummary, FlowsAndTheNewErrorKinds) {
  auto doc = load_fixture("closed_users.json");
  auto& step = doc["steps"][1];
  const auto before = render("closed_users.json");
  const auto old_errors = std::stol(table(before, "| Step |")[1][3]);
  step["errors"]["status_unexpected"] = 3;
  step["errors"]["poll_timeout"] = 2;
  step["checks"] = {{"passed", 5}, {"failed", 1}};
  // The step's own latency buckets as its group and poll times: the Flows row must show the
  // same percentiles the Steps row computes from them.
  step["group"] = {{"count", step["latency"]["count"]}, {"latency", step["latency"]}};
  step["poll"] = {{"count", step["latency"]["count"]}, {"latency", step["latency"]}};
  std::ostringstream out;
  write_markdown_summary(doc, out);
  const std::string md = out.str();
  const auto steps = table(md, "| Step |");
  EXPECT_EQ(std::stol(steps[1][3]), old_errors + 5);  // counted in the step's errors
  const auto flows = table(md, "| Step | Checks passed |");
  ASSERT_EQ(flows.size(), 2u) << md;
  EXPECT_EQ(flows[0][1], "5");
  EXPECT_EQ(flows[0][2], "1");
  EXPECT_EQ(flows[0][3], "group");
  EXPECT_EQ(flows[0][4], std::to_string(step["latency"]["count"].get<long>()));
  EXPECT_EQ(flows[0][5], steps[1][4]);  // p50
  EXPECT_EQ(flows[0][6], steps[1][6]);  // p95
  EXPECT_EQ(flows[0][7], steps[1][9]);  // max
  EXPECT_EQ(flows[1][0], "↳");
  EXPECT_EQ(flows[1][3], "poll");
  // A document without flows has no Flows table.
  EXPECT_EQ(before.find("### Flows"), std::string::npos);
}

TEST(MarkdownSummary, StressSoakAndOpenModel) {
  const std::string stress = render("stress_knee.json");
  EXPECT_NE(stress.find("Knee: **300 req/s**"), std::string::npos);
  const auto stages = table(stress, "| Rate req/s |");
  const auto expected = load_fixture("stress_knee.expected.json")["stages"];
  ASSERT_EQ(stages.size(), expected.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& want = expected[i];
    EXPECT_EQ(
        stages[i],
        (std::vector<std::string>{
            std::to_string(want["rate"].get<int>()), std::to_string(want["requests"].get<int>()),
            want["error_rate"].get<std::string>(), want["p95_ms"].get<std::string>(),
            want["passed"].get<bool>() ? "✅ held" : "❌ broke",
            want["failed"].empty() ? "" : "p95 &lt; 200ms &lt;i&gt;"}))
        << "stage " << i;
  }
  EXPECT_NE(stress.find("| ❌ fail | p95 &lt; 200ms | 900 ms | 200 ms |"), std::string::npos);
  EXPECT_NE(stress.find("| ❌ fail | target\\_rss &lt; 2GB | n/a | 2.00 GB |"), std::string::npos)
      << stress;

  const std::string soak = render("soak_leak.json");
  EXPECT_NE(soak.find("Target RSS trend 50.00 KB/s: ⚠️ **suspected leak**"), std::string::npos);
  EXPECT_NE(soak.find(", merged from 2 shards:"), std::string::npos);
  EXPECT_NE(
      soak.find(
          "⚠️ **Aborted**: threshold p99 &lt; 1s &lt;u&gt;broke&lt;/u&gt;; abort\\_on\\_fail"),
      std::string::npos);
  const std::string open = render("open_rate.json");
  EXPECT_NE(open.find("12 late sends, 3 dropped"), std::string::npos);
  EXPECT_EQ(count_of(open, "| ↳ service time |"), 1u);
}

// A step's read lag is a row of its own under the step, its percentiles from its own buckets
// (here a copy of the latency's, so the rows agree cell for cell), on the page too; a result
// without it shows no such row.
TEST(Markdown, ReadLagRowUnderItsStep) {
  auto doc = load_fixture("open_rate.json");
  std::ostringstream plain_md, plain_html;
  write_markdown_summary(doc, plain_md);
  write_html_report(doc, plain_html);
  EXPECT_EQ(count_of(plain_md.str(), "read lag"), 0u);
  EXPECT_EQ(count_of(plain_html.str(), "read-lag"), 0u);
  doc["steps"][0]["read_lag"] = doc["steps"][0]["latency"];
  std::ostringstream md, html;
  write_markdown_summary(doc, md);
  write_html_report(doc, html);
  const auto rows = table(md.str(), "| Step |");
  const auto step = std::find_if(rows.begin(), rows.end(), [&](const auto& r) {
    return r[0] == doc["steps"][0]["name"].get<std::string>();
  });
  const auto lag = std::find_if(rows.begin(), rows.end(),
                                [](const auto& r) { return r[0] == "↳ read lag (the client's)"; });
  ASSERT_NE(step, rows.end()) << md.str();
  ASSERT_NE(lag, rows.end()) << md.str();
  ASSERT_EQ(lag->size(), step->size());
  for (std::size_t c = 4; c < step->size(); ++c) EXPECT_EQ((*lag)[c], (*step)[c]) << "column " << c;
  EXPECT_EQ(count_of(html.str(), "<tr class=\"read-lag\">"), 1u);
  EXPECT_EQ(count_of(html.str(), "Read lag: how long"), 1u);
}

}  // namespace
}  // namespace neuro::load_report
