#include "load/results/load_result.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "engine/base/errors.hpp"
#include "load/report/html_report.hpp"
#include "load/report/markdown_summary.hpp"
#include "load/report/report_test_util.hpp"
#include "load/report/series_windows.hpp"
#include "load/results/result_document.hpp"

namespace neuro::load_report {
namespace {

using nlohmann::json;
using testing::load_fixture;

struct Mutation {
  std::string pointer;  // RFC 6901 pointer into closed_users.json
  json value;           // the new value; discarded() removes the field instead
  std::string message;  // the whole error message expected
};

// What GoogleTest (and CTest's test list) shows for a parameter: the pointer, not 80 raw bytes.
void PrintTo(const Mutation& m, std::ostream* out) { *out << m.pointer; }

std::string error_of(const json& doc) {
  try {
    load::parse_load_result(doc);
  } catch (const base::InvalidArgument& e) {
    EXPECT_EQ(e.code(), base::ExitCode::kBadInput);
    return e.what();
  }
  return "(no error)";
}

json mutated(const Mutation& m) {
  json doc = load_fixture("closed_users.json");
  const json::json_pointer ptr(m.pointer);
  if (m.value.is_discarded()) {
    doc[ptr.parent_pointer()].erase(ptr.back());
  } else {
    doc[ptr] = m.value;
  }
  return doc;
}

class Malformed : public ::testing::TestWithParam<Mutation> {};

TEST_P(Malformed, NamesTheJsonPath) {
  EXPECT_EQ(error_of(mutated(GetParam())), GetParam().message);
}

// Both renderers refuse the document before writing anything.
TEST_P(Malformed, RenderersThrow) {
  const json doc = mutated(GetParam());
  std::ostringstream html, md;
  EXPECT_THROW(write_html_report(doc, html), base::InvalidArgument);
  EXPECT_THROW(write_markdown_summary(doc, md), base::InvalidArgument);
  EXPECT_TRUE(html.str().empty());
  EXPECT_TRUE(md.str().empty());
}

const json kRemove = json::value_t::discarded;

INSTANTIATE_TEST_SUITE_P(
    Docs, Malformed,
    ::testing::Values(
        Mutation{"/schema", kRemove, "schema: missing"},
        Mutation{"/schema", "neuroperf-load/2",
                 "schema: expected \"neuroperf-load/1\", got \"neuroperf-load/2\""},
        Mutation{"/scenario/name", 7, "scenario.name: expected a string, got an integer"},
        Mutation{"/steps", json::object(), "steps: expected an array, got an object"},
        Mutation{"/steps/1/latency/buckets", "x",
                 "steps[1].latency.buckets: expected an array, got a string"},
        Mutation{"/steps/1/latency/buckets/0", json::array({1}),
                 "steps[1].latency.buckets[0]: expected [bucket_index, count]"},
        Mutation{"/steps/0/latency/buckets/0/0", 99999999,
                 "steps[0].latency.buckets[0][0]: bucket index 99999999 is outside the layout "
                 "(33421 buckets)"},
        Mutation{"/steps/0/latency/buckets/1/0", 0,
                 "steps[0].latency.buckets[1][0]: bucket indexes must be strictly ascending"},
        Mutation{"/steps/0/latency/count", 1,
                 "steps[0].latency.count: 1 does not equal the sum of the bucket counts (150)"},
        Mutation{"/steps/0/latency/unit", "us",
                 "steps[0].latency.unit: expected \"ns\", got \"us\""},
        Mutation{"/steps/0/latency/significant_digits", 2,
                 "steps[0].latency.buckets[0][0]: bucket index 12033 is outside the layout "
                 "(4562 buckets)"},
        Mutation{"/steps/0/latency/min_ns", 1000000,
                 "steps[0].latency.min_ns: 1000000 is not in the first nonzero bucket (layout "
                 "mismatch?)"},
        Mutation{"/steps/0/latency/significant_digits", 9,
                 "steps[0].latency.significant_digits: expected 1..5, got 9"},
        Mutation{"/steps/0/latency/highest_ns", 100,
                 "steps[0].latency: latency histogram: highest trackable value must be at least "
                 "2048 ns, got 100"},
        Mutation{"/steps/0/latency/max_ns", 1, "steps[0].latency.min_ns: above max_ns"},
        Mutation{"/steps/0/errors/timeout", -1,
                 "steps[0].errors.timeout: expected a non-negative integer, got -1"},
        Mutation{"/steps/0/errors/status_5xx", kRemove, "steps[0].errors.status_5xx: missing"},
        Mutation{"/steps/0/service_time", json::array(),
                 "steps[0].service_time: expected an object, got an array"},
        Mutation{"/series/3/t_s", 1.5,
                 "series[3].t_s: expected a non-negative integer, got a number"},
        Mutation{"/series/4/latency/highest_ns", 60000000000,
                 "series[4].latency: histogram layout differs from series[0].latency"},
        Mutation{"/series/2/rate", "fast", "series[2].rate: expected a number, got a string"},
        Mutation{"/series/3/dt_s", 2,
                 "series[3].dt_s: differs from series[0].dt_s (one resolution per series)"},
        Mutation{"/series/1/dt_s", 0, "series[1].dt_s: expected a positive integer, got 0"},
        Mutation{"/resources/host/0/cpu_percent", nullptr,
                 "resources.host[0].cpu_percent: expected a number, got null"},
        Mutation{"/resources/target/1/rss_bytes", kRemove,
                 "resources.target[1].rss_bytes: missing"},
        Mutation{"/client/warnings/1", false,
                 "client.warnings[1]: expected a string, got a boolean"},
        Mutation{"/stress", json::object({{"knee_rate", 1.0}}), "stress.stages: missing"},
        Mutation{"/soak", json::object({{"rss_slope_bytes_per_s", 1.0}, {"suspected_leak", 1}}),
                 "soak.suspected_leak: expected true or false, got an integer"},
        Mutation{"/shard/index", 3, "shard: expected 0 <= index < count, got 3/1"},
        Mutation{"/thresholds/0/passed", "yes",
                 "thresholds[0].passed: expected true or false, got a string"},
        Mutation{"/passed", kRemove, "passed: missing"}),
    // Short stable names (m0, m1, ...; a failure prints the pointer): by default the CTest
    // name carried the parameter's bytes, 300 columns that changed from build to build.
    [](const ::testing::TestParamInfo<Mutation>& info) {
      return "m" + std::to_string(info.index);
    });

TEST(LoadResult, EmptyPointMayHaveAnotherLayout) {
  // A second in which every request failed (the target restarted) has no latencies: documents
  // written before the series kept its layout for such points carry the steps' 3 digits there.
  auto doc = load_fixture("closed_users.json");
  const int digits = doc["series"][1]["latency"]["significant_digits"].get<int>();
  doc["series"][0]["latency"] = {{"unit", "ns"},
                                 {"significant_digits", digits == 3 ? 2 : 3},
                                 {"highest_ns", 3600000000000},
                                 {"count", 0},
                                 {"min_ns", 0},
                                 {"max_ns", 0},
                                 {"sum_ns", 0.0},
                                 {"buckets", json::array()}};
  const load::LoadResult r = load::parse_load_result(doc);
  const auto windows = series_windows(r.series);
  ASSERT_FALSE(windows.empty());
  EXPECT_GT(windows.back().p50_ns, 0);
}

// One histogram reader for the report and for `neuroperf merge`: a histogram written in
// another layout than it claims (min_ns outside its first bucket) is refused by both alike.
TEST(LoadResult, MergeRefusesWhatTheReportRefuses) {
  auto doc = load_fixture("closed_users.json");
  auto& latency = doc["steps"][0]["latency"];
  ASSERT_GT(latency["buckets"].size(), 1u);
  latency["min_ns"] = latency["max_ns"];
  const std::string report_error = error_of(doc);
  EXPECT_NE(report_error.find("steps[0].latency.min_ns: "), std::string::npos) << report_error;
  EXPECT_NE(report_error.find("is not in the first nonzero bucket"), std::string::npos);
  try {
    load::merge_documents({doc, doc}, {"a.json", "b.json"});
    FAIL() << "merge accepted what the report refuses";
  } catch (const base::InvalidArgument& e) {
    const std::string merge_error = e.what();
    EXPECT_NE(merge_error.find("a.json"), std::string::npos) << merge_error;
    EXPECT_NE(merge_error.find("steps[0].latency.min_ns: "), std::string::npos) << merge_error;
    EXPECT_NE(merge_error.find("is not in the first nonzero bucket"), std::string::npos);
  }
}

TEST(LoadResult, RefusesANonObjectDocument) {
  EXPECT_EQ(error_of(json::array()), "document: expected an object, got an array");
}

// The schema's "| null" fields may be null or absent; the report renders without them.
TEST(LoadResult, NullableSectionsMayBeAbsent) {
  json doc = load_fixture("closed_users.json");
  for (const char* key : {"open_model", "stress", "soak", "resources", "client", "shard"}) {
    doc.erase(key);
  }
  for (auto& p : doc["series"]) {
    p.erase("users");
    p["rate"] = nullptr;
  }
  doc["steps"][0].erase("service_time");
  const load::LoadResult r = load::parse_load_result(doc);
  EXPECT_FALSE(r.client || r.stress || r.soak || r.open_model);
  EXPECT_EQ(r.shard_count, 1);
  EXPECT_FALSE(r.series[0].users);
  std::ostringstream html;
  write_html_report(doc, html);
  EXPECT_EQ(html.str().find("data-chart=\"users\""), std::string::npos);
  EXPECT_EQ(html.str().find("data-chart=\"cpu\""), std::string::npos);
}

TEST(LoadResult, ReadsEverySection) {
  const load::LoadResult r = load::parse_load_result(load_fixture("open_rate.json"));
  EXPECT_EQ(r.scenario_name, "open rate");
  EXPECT_EQ(r.executor, "constant-rate");
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].errors.read, 3);
  EXPECT_EQ(r.steps[0].errors.total(), 4);
  ASSERT_TRUE(r.steps[0].service_time);
  EXPECT_EQ(r.series.size(), 20u);
  EXPECT_EQ(r.series[9].latency.count, 0);  // the stalled second
  ASSERT_TRUE(r.open_model);
  EXPECT_EQ(r.open_model->dropped_sends, 3);
  EXPECT_EQ(r.host.size(), 20u);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.thresholds.size(), 2u);
  EXPECT_FALSE(r.thresholds[0].passed);
}

}  // namespace
}  // namespace neuro::load_report
