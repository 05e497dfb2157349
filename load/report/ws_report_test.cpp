// A ws: step's figures in the summary and the HTML page, read from a result the runner wrote
// (fixtures/load/ws_multi_device.json: multi_device.yaml scaled to 4 s against the engine
// server) and compared with the document's own ws object.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
  // A document without ws: steps has no WebSocket table.
  auto plain = doc;
  plain["steps"][0]["ws"] = nullptr;
  std::ostringstream md2, html2;
  write_markdown_summary(plain, md2);
  write_html_report(plain, html2);
  EXPECT_EQ(md2.str().find("WebSocket"), std::string::npos);
  EXPECT_EQ(html2.str().find("id=\"websocket\""), std::string::npos);
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
