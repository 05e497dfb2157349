// A ws: step's figures in the summary and the HTML page, read from a result the runner wrote
// (fixtures/load/ws_multi_device.json: multi_device.yaml scaled to 4 s against the engine
// server) and compared with the document's own ws object.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "load/report/html_charts.hpp"
#include "load/report/html_report.hpp"
#include "load/report/markdown_summary.hpp"

namespace neuro::load_report {
namespace {

nlohmann::json fixture() {
  std::ifstream in(std::string(NEURO_FIXTURES_DIR) + "/load/ws_multi_device.json");
  return nlohmann::json::parse(in);
}

TEST(WsReport, SummaryAndPageCarryTheWsObject) {
  const auto doc = fixture();
  const auto& ws = doc["steps"][0]["ws"];
  std::ostringstream md, html;
  write_markdown_summary(doc, md);
  write_html_report(doc, html);
  std::string codes;
  for (const auto& [code, n] : ws["close_codes"].items()) {
    codes += (codes.empty() ? "" : ", ") + code + " x " + std::to_string(n.get<std::int64_t>());
  }
  const std::string row =
      "| devices | " + std::to_string(ws["sessions"].get<std::int64_t>()) + " | ";
  EXPECT_NE(md.str().find(row), std::string::npos) << md.str();
  EXPECT_NE(md.str().find(" | " + codes + " | "), std::string::npos) << md.str();
  EXPECT_NE(html.str().find("<table id=\"websocket\">"), std::string::npos);
  EXPECT_NE(html.str().find(codes), std::string::npos);
  // A run without arrival stamps (this fixture predates them) shows no lag, not a lag of 0.
  EXPECT_NE(md.str().find(" | – |\n"), std::string::npos) << md.str();
  // With them, the lag's p99 from its own buckets: here a copy of the latency's, so the row ends
  // with the latency's p99 and max, then that p99 again (the writer's summary, in ms).
  auto lagged = doc;
  lagged["steps"][0]["ws"]["read_lag"] = ws["latency"];
  std::ostringstream md3;
  write_markdown_summary(lagged, md3);
  char p99[32], max[32];
  std::snprintf(p99, sizeof p99, "%.3f", ws["latency_percentiles_ms"]["p99"].get<double>());
  std::snprintf(max, sizeof max, "%.3f", ws["latency_percentiles_ms"]["max"].get<double>());
  EXPECT_NE(md3.str().find(std::string(" | ") + p99 + " | " + max + " | " + p99 + " |\n"),
            std::string::npos)
      << md3.str();
  // A document without ws: steps has no WebSocket table.
  auto plain = doc;
  plain["steps"][0]["ws"] = nullptr;
  std::ostringstream md2, html2;
  write_markdown_summary(plain, md2);
  write_html_report(plain, html2);
  EXPECT_EQ(md2.str().find("WebSocket"), std::string::npos);
  EXPECT_EQ(html2.str().find("id=\"websocket\""), std::string::npos);
}

// The messages per second drawn are the series' own counts (a 4 s run: one point per second,
// no windows); the points after the run's 4 s (sessions closing) are drawn as gaps, and a
// series without WebSocket counts draws no such chart.
TEST(WsReport, ChartsMessagesPerSecond) {
  auto doc = fixture();
  const auto charts = build_charts(load::parse_load_result(doc));
  const auto ws = std::find_if(charts.begin(), charts.end(),
                               [](const Chart& c) { return c.id == "websocket"; });
  ASSERT_NE(ws, charts.end());
  ASSERT_EQ(ws->lines.size(), 2u);
  ASSERT_EQ(ws->x.size(), doc["series"].size());
  const double duration = doc["duration_s"].get<double>();
  std::size_t drawn = 0;
  for (std::size_t i = 0; i < doc["series"].size(); ++i) {
    const auto& p = doc["series"][i];
    const double dt = p["dt_s"].get<double>();
    EXPECT_EQ(ws->x[i], p["t_s"].get<double>());
    if (p["t_s"].get<double>() >= duration) {
      EXPECT_FALSE(ws->lines[0].values[i].has_value()) << i;
      continue;
    }
    ++drawn;
    EXPECT_DOUBLE_EQ(*ws->lines[0].values[i], p.value("ws_messages_in", 0) / dt) << i;
    EXPECT_DOUBLE_EQ(*ws->lines[1].values[i], p.value("ws_messages_out", 0) / dt) << i;
  }
  EXPECT_EQ(drawn, 4u);
  for (auto& p : doc["series"]) {
    p.erase("ws_messages_in");
    p.erase("ws_messages_out");
  }
  for (const auto& c : build_charts(load::parse_load_result(doc))) EXPECT_NE(c.id, "websocket");
}

// The series' WebSocket latencies draw a chart of their own, p50/p95/p99 per second from each
// point's histogram; a series without them (this fixture predates them) draws none.
TEST(WsReport, ChartsWsLatencyPerSecond) {
  auto doc = fixture();
  for (const auto& c : build_charts(load::parse_load_result(doc))) EXPECT_NE(c.id, "ws-latency");
  // Point 1 gets the step's whole latency histogram (a valid one in the series' own layout is
  // not needed: a chart reads each point's percentiles from its buckets).
  doc["series"][1]["ws_latency"] = doc["steps"][0]["ws"]["latency"];
  const auto charts = build_charts(load::parse_load_result(doc));
  const auto ws = std::find_if(charts.begin(), charts.end(),
                               [](const Chart& c) { return c.id == "ws-latency"; });
  ASSERT_NE(ws, charts.end());
  ASSERT_EQ(ws->lines.size(), 3u);
  EXPECT_FALSE(ws->lines[2].values[0].has_value());  // no ws latency in point 0: a gap
  ASSERT_TRUE(ws->lines[2].values[1].has_value());
  EXPECT_DOUBLE_EQ(*ws->lines[2].values[1],
                   doc["steps"][0]["ws"]["latency_percentiles_ms"]["p99"].get<double>());
}

TEST(WsReport, MalformedWsObjectNamesItsPath) {
  auto doc = fixture();
  doc["steps"][0]["ws"]["sessions"] = "many";
  std::ostringstream md;
  try {
    write_markdown_summary(doc, md);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("steps[0].ws.sessions"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace neuro::load_report
