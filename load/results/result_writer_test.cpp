// result.json's layout: what is written parses back to exactly the document it stands for, and
// each series point is one line (the file a 12-hour soak leaves must stay greppable).
#include "load/results/result_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

namespace neuro::load {
namespace {

using nlohmann::json;

IntervalStats point_with(std::int64_t requests, std::int64_t errors,
                         std::initializer_list<std::int64_t> ns) {
  base::LatencyHistogram h(base::LatencyHistogram::kOneHourNs, kSeriesSignificantDigits);
  for (auto v : ns) h.record(v);
  IntervalStats p;
  p.requests = requests;
  p.errors = errors;
  p.latency = SparseHistogram::from(h);
  return p;
}

std::size_t lines_of(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ResultWriter, AWholeDocumentParsesBackEqual) {
  const json doc = {{"schema", "neuroperf-load/1"},
                    {"totals", {{"requests", 3}, {"errors", 0}, {"rps", 1.5}}},
                    {"series",
                     {{{"t_s", 0}, {"dt_s", 1}, {"requests", 2}},
                      {{"t_s", 1}, {"dt_s", 1}, {"requests", 1}, {"note", "a \"quoted\"\nline"}}}},
                    {"zeta", {1, 2, 3}}};
  std::ostringstream out;
  write_result(out, doc);
  EXPECT_EQ(json::parse(out.str()), doc);
  // One line per point: the JSON string escapes the newline inside the note.
  const std::string text = out.str();
  const auto series_at = text.find("\"series\": [");
  ASSERT_NE(series_at, std::string::npos);
  EXPECT_EQ(lines_of(text.substr(series_at)), 5u);  // "series": [, two points, ], }
}

TEST(ResultWriter, EmptySeriesAndEmptyDocument) {
  std::ostringstream a, b;
  write_result(a, json{{"passed", true}, {"series", json::array()}});
  EXPECT_EQ(json::parse(a.str()), (json{{"passed", true}, {"series", json::array()}}));
  write_result(b, json::object());
  EXPECT_EQ(json::parse(b.str()), (json{{"series", json::array()}}));
}

TEST(ResultWriter, WritesTheSeriesAndAnnotations) {
  LoadRun run;
  const auto p0 = point_with(3, 1, {1000, 2000});
  const auto p2 = point_with(5, 0, {4000, 4000, 9000, 12000, 15000});
  run.series.add(0, p0);
  run.series.add(2, p2);
  run.annotations[0] = SeriesAnnotation{std::nullopt, 25.5};
  run.annotations[2] = SeriesAnnotation{std::int64_t{7}, std::nullopt};
  std::ostringstream out;
  write_result(out, run);
  json expected = to_json_without_series(run.result);
  expected["series"] = json::array({{{"t_s", 0},
                                     {"dt_s", 1},
                                     {"requests", 3},
                                     {"errors", 1},
                                     {"users", nullptr},
                                     {"rate", 25.5},
                                     {"latency", p0.latency.to_json()}},
                                    {{"t_s", 2},
                                     {"dt_s", 1},
                                     {"requests", 5},
                                     {"errors", 0},
                                     {"users", 7},
                                     {"rate", nullptr},
                                     {"latency", p2.latency.to_json()}}});
  EXPECT_EQ(json::parse(out.str()), expected);
}

}  // namespace
}  // namespace neuro::load
