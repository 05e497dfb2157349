#include "load/report/html_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "load/report/report_test_util.hpp"

namespace neuro::load_report {
namespace {

using testing::count_of;
using testing::load_fixture;
using testing::table_rows;

const char* const kPercentileKeys[] = {"p50", "p90", "p95", "p99", "p99.9", "max"};

std::string render(const nlohmann::json& doc) {
  std::ostringstream out;
  write_html_report(doc, out);
  return out.str();
}

class Html : public ::testing::TestWithParam<std::string> {};

// Every number in the step and error tables equals what make_fixtures.py computed from the raw
// samples (bucket percentiles by its own implementation of the layout), and the bucket
// percentiles sit within the histogram's 0.1 % of the exact percentiles of the samples.
TEST_P(Html, StepTablesMatchPython) {
  const auto doc = load_fixture(GetParam() + ".json");
  const auto expected = load_fixture(GetParam() + ".expected.json");
  const std::string html = render(doc);
  const auto rows = table_rows(html, "<table id=\"steps\"", "class=\"step\"");
  const auto errors = table_rows(html, "<table id=\"errors\"");
  ASSERT_EQ(rows.size(), expected["steps"].size());
  ASSERT_EQ(errors.size(), expected["steps"].size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& want = expected["steps"][i];
    SCOPED_TRACE(want["name"].get<std::string>());
    ASSERT_EQ(rows[i].size(), 11u);
    EXPECT_EQ(rows[i][1], std::to_string(want["requests"].get<long>()));
    EXPECT_EQ(rows[i][3], std::to_string(want["errors_total"].get<long>()));
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(rows[i][4 + k], want["latency_ms"][kPercentileKeys[k]].get<std::string>())
          << kPercentileKeys[k];
      const double exact = want["raw_ms"][kPercentileKeys[k]].get<double>();
      EXPECT_NEAR(std::stod(rows[i][4 + k]), exact, exact * 1e-3 + 1e-3) << kPercentileKeys[k];
    }
    const char* const kinds[] = {"connect",     "read",       "write", "timeout",
                                 "status_4xx",  "status_5xx", "tls",   "status_unexpected",
                                 "poll_timeout"};
    ASSERT_EQ(errors[i].size(), 11u);
    for (std::size_t k = 0; k < 9; ++k) {
      EXPECT_EQ(errors[i][1 + k], std::to_string(want["errors"].value(kinds[k], 0L))) << kinds[k];
    }
    EXPECT_EQ(errors[i][10], std::to_string(want["errors_total"].get<long>()));
  }
  const auto service = table_rows(html, "<table id=\"steps\"", "class=\"service\"");
  std::size_t with_service = 0;
  for (const auto& want : expected["steps"]) {
    if (want["service_ms"].is_null()) continue;
    ASSERT_LT(with_service, service.size());
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(service[with_service][4 + k],
                want["service_ms"][kPercentileKeys[k]].get<std::string>());
    }
    ++with_service;
  }
  EXPECT_EQ(service.size(), with_service);
}

// The chart data tables (what the lines are drawn from) equal the per-second, or per-window,
// series computed by make_fixtures.py, and each line is drawn with one vertex per value.
TEST_P(Html, ChartSeriesMatchPython) {
  const auto doc = load_fixture(GetParam() + ".json");
  const auto expected = load_fixture(GetParam() + ".expected.json");
  const std::string html = render(doc);
  const auto latency = table_rows(html, "data-chart=\"latency\"><thead>");
  const auto throughput = table_rows(html, "data-chart=\"throughput\"><thead>");
  const auto errors = table_rows(html, "data-chart=\"errors\"><thead>");
  const auto& series = expected["series"];
  ASSERT_EQ(latency.size(), series.size());
  ASSERT_EQ(throughput.size(), series.size());
  ASSERT_EQ(errors.size(), series.size());
  std::size_t gaps = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& want = series[i];
    SCOPED_TRACE("window " + std::to_string(i));
    EXPECT_EQ(latency[i][0], std::to_string(want["t_s"].get<long>()));
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& v = want[kPercentileKeys[k == 0 ? 0 : k + 1]];
      EXPECT_EQ(latency[i][1 + k], v.is_null() ? "" : v.get<std::string>());
      gaps += v.is_null() ? 1 : 0;
    }
    EXPECT_EQ(throughput[i][1], want["rps"].get<std::string>());
    EXPECT_EQ(errors[i][1], want["errors_per_s"].get<std::string>());
  }
  // Throughput has no gaps: one polyline whose vertex count is the number of windows.
  const auto line = html.find("<polyline class=\"series\" data-series=\"completed\"");
  ASSERT_NE(line, std::string::npos);
  const auto points = html.find("points=\"", line) + 8;
  const std::string coords = html.substr(points, html.find('"', points) - points);
  EXPECT_EQ(count_of(coords, ","), series.size());
  EXPECT_EQ(gaps == 0, count_of(html, "data-series=\"p50\"") == 1);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Html,
                         ::testing::Values("closed_users", "open_rate", "stress_knee",
                                           "soak_leak"));

TEST(HtmlReport, FlowsTableOfChecksPollsAndGroups) {
  auto doc = load_fixture("closed_users.json");
  EXPECT_EQ(render(doc).find("<table id=\"flows\""), std::string::npos);
  auto& step = doc["steps"][0];
  step["checks"] = {{"passed", 7}, {"failed", 2}};
  step["poll"] = {{"count", step["latency"]["count"]}, {"latency", step["latency"]}};
  const std::string html = render(doc);
  const auto flows = table_rows(html, "<table id=\"flows\"", "class=\"flow\"");
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0][1], "7");
  EXPECT_EQ(flows[0][2], "2");
  EXPECT_EQ(flows[0][3], "poll");
  // The same buckets as the step's latency: the same p50 as the Steps table shows.
  const auto steps = table_rows(html, "<table id=\"steps\"", "class=\"step\"");
  EXPECT_EQ(flows[0][5], steps[0][4]);
}

TEST(HtmlReport, EscapesEveryStringFromTheDocument) {
  const std::string html = render(load_fixture("closed_users.json"));
  // The report has no script of its own, so any <script, <img or <b> tag is an injection.
  EXPECT_EQ(count_of(html, "<script"), 0u);
  EXPECT_EQ(count_of(html, "<img"), 0u);
  EXPECT_EQ(count_of(html, "<b>bold"), 0u);
  EXPECT_NE(
      html.find("GET /api/v2/sessions/${id} &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                "&amp; &#39;quotes&#39;"),
      std::string::npos);
  EXPECT_NE(html.find("<title>neuroperf load: closed &lt;/title&gt;&lt;script&gt;alert(1)&lt;/"
                      "script&gt;</title>"),
            std::string::npos);
  EXPECT_NE(html.find("client CPU above 90%: &lt;img src=x onerror=alert(1)&gt; is the bottleneck"),
            std::string::npos);
  EXPECT_NE(html.find("error_rate &lt; 1% &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
}

TEST(HtmlReport, IsSelfContained) {
  for (const char* name : {"closed_users.json", "open_rate.json", "soak_leak.json"}) {
    const std::string html = render(load_fixture(name));
    EXPECT_EQ(count_of(html, "<link"), 0u) << name;
    EXPECT_EQ(count_of(html, "@import"), 0u) << name;
    EXPECT_EQ(count_of(html, "url("), 0u) << name;
    // No tag loads anything: every "src=" or "href=" is inside escaped text, never in a tag.
    for (const std::string attr : {" src=", " href="}) {
      for (auto p = html.find(attr); p != std::string::npos; p = html.find(attr, p + 1)) {
        const auto open = html.rfind('<', p);
        const auto close = html.rfind('>', p);
        EXPECT_TRUE(open == std::string::npos || (close != std::string::npos && close > open))
            << name << ": a tag with" << attr << " at " << p;
      }
    }
  }
}

TEST(HtmlReport, ShowsChartsForEveryMetric) {
  const std::string closed = render(load_fixture("closed_users.json"));
  for (const char* id : {"latency", "throughput", "errors", "users", "cpu", "memory", "network"}) {
    EXPECT_EQ(count_of(closed, std::string("<svg class=\"chart\" data-chart=\"") + id + "\""), 1u)
        << id;
  }
  EXPECT_NE(closed.find("data-series=\"target RSS\""), std::string::npos);
  EXPECT_NE(closed.find("data-series=\"host CPU\""), std::string::npos);
  const std::string open = render(load_fixture("open_rate.json"));
  // No users chart in the open model; its intended rate has a chart of its own (arrivals), not
  // drawn over the completed requests.
  EXPECT_EQ(count_of(open, "<svg class=\"chart\""), 7u);
  EXPECT_NE(open.find("data-series=\"intended rate\""), std::string::npos);
  const auto throughput = open.find("<svg class=\"chart\" data-chart=\"throughput\"");
  const auto arrivals = open.find("<svg class=\"chart\" data-chart=\"arrivals\"");
  ASSERT_NE(arrivals, std::string::npos);
  EXPECT_EQ(open.substr(throughput, arrivals - throughput).find("intended rate"),
            std::string::npos);
}

TEST(HtmlReport, ThresholdsVerdictsAndWarnings) {
  const std::string open = render(load_fixture("open_rate.json"));
  EXPECT_NE(open.find("<span class=\"verdict fail\">FAILED</span>"), std::string::npos);
  const auto thresholds = table_rows(open, "<table id=\"thresholds\"");
  ASSERT_EQ(thresholds.size(), 2u);
  EXPECT_EQ(thresholds[0],
            (std::vector<std::string>{"p99 &lt; 5ms", "p99", "7.25 ms", "5 ms", "FAIL"}));
  EXPECT_EQ(thresholds[1], (std::vector<std::string>{"rps &gt; 100", "rps", "114", "100", "pass"}));
  EXPECT_NE(open.find("Late sends: 12, dropped sends: 3"), std::string::npos);

  const std::string stress = render(load_fixture("stress_knee.json"));
  EXPECT_NE(stress.find("<p id=\"knee\">Knee: <b>300 req/s</b>"), std::string::npos);
  const auto stages = table_rows(stress, "<table id=\"stress\"");
  const auto expected = load_fixture("stress_knee.expected.json")["stages"];
  ASSERT_EQ(stages.size(), expected.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& want = expected[i];
    EXPECT_EQ(
        stages[i],
        (std::vector<std::string>{
            std::to_string(want["rate"].get<int>()), std::to_string(want["requests"].get<int>()),
            std::to_string(want["errors"].get<int>()), want["error_rate"].get<std::string>(),
            want["p95_ms"].get<std::string>(), want["passed"].get<bool>() ? "pass" : "FAIL",
            want["failed"].empty() ? "" : "p95 &lt; 200ms &lt;i&gt;"}))
        << "stage " << i;
  }
  const auto stress_thresholds = table_rows(stress, "<table id=\"thresholds\"");
  ASSERT_EQ(stress_thresholds.size(), 2u);
  EXPECT_EQ(stress_thresholds[1][2], "n/a");
  EXPECT_EQ(stress_thresholds[1][3], "2.00 GB");

  const std::string soak = render(load_fixture("soak_leak.json"));
  EXPECT_NE(soak.find("50.00 KB/s (175.78 MB per hour). Growth over the run: 65.00 MB (leak "
                      "threshold 50.00 MB). "),
            std::string::npos);
  EXPECT_NE(soak.find("<dd>merged from 2</dd>"), std::string::npos);
  EXPECT_NE(soak.find("threshold p99 &lt; 1s &lt;u&gt;broke&lt;/u&gt;; abort_on_fail"),
            std::string::npos);
  EXPECT_NE(soak.find("suspected leak</span>"), std::string::npos);
  EXPECT_NE(soak.find("per 3 s window"), std::string::npos);

  const std::string closed = render(load_fixture("closed_users.json"));
  EXPECT_NE(closed.find("<span class=\"verdict pass\">PASSED</span>"), std::string::npos);
  EXPECT_EQ(count_of(closed, "<li class=\"warn\">"), 2u);
}

TEST(HtmlReport, RendersARunWithNoRequests) {
  auto doc = load_fixture("closed_users.json");
  doc["series"] = nlohmann::json::array();
  doc["resources"] = nullptr;
  for (auto& step : doc["steps"]) {
    step["latency"]["buckets"] = nlohmann::json::array();
    step["latency"]["count"] = 0;
  }
  const std::string html = render(doc);
  const auto rows = table_rows(html, "<table id=\"steps\"", "class=\"step\"");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][4], "0.000");
  EXPECT_EQ(count_of(html, ">no data</text>"), 3u);  // latency, throughput, errors
}

}  // namespace
}  // namespace neuro::load_report
