#include "tools/bench_json/summary_markdown.hpp"

#include <gtest/gtest.h>

namespace neuro::bench_json {
namespace {

BenchmarkRow row(const std::string& run, const std::string& aggregate, double time_ms,
                 double rate) {
  BenchmarkRow r;
  r.run_name = run;
  r.name = aggregate.empty() ? run : run + "_" + aggregate;
  r.aggregate_name = aggregate;
  r.real_time = r.cpu_time = time_ms;
  r.time_unit = "ms";
  r.counters["samples_per_second"] = rate;
  return r;
}

TEST(SummaryMarkdown, FormatsSiPrefixes) {
  EXPECT_EQ(si_format(532.8e6), "533 M");  // three significant digits
  EXPECT_EQ(si_format(999.0), "999 ");
  EXPECT_EQ(si_format(1.234e9), "1.23 G");
  EXPECT_EQ(si_format(12.5e3), "12.5 k");
}

TEST(SummaryMarkdown, MediansRepeatedAndErrors) {
  BenchmarkFile file;
  file.path = "reports/x/bench_dsp.json";
  file.rows = {row("BM_A", "", 1.0, 1e6), row("BM_A", "", 3.0, 3e6), row("BM_A", "mean", 2.0, 2e6),
               row("BM_A", "median", 2.5, 2.5e6), row("BM_B", "", 7.0, 7e6)};
  BenchmarkRow failed;
  failed.run_name = failed.name = "BM_C";
  failed.error = "service down";
  file.rows.push_back(failed);
  const auto md = render_summary_markdown({file});
  EXPECT_NE(md.find("## bench_dsp"), std::string::npos);
  EXPECT_NE(md.find("| `BM_A` | 2.50 ms | 2.50 ms | 2.50 M/s |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `BM_B` | 7.00 ms | 7.00 ms | 7.00 M/s |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `BM_C` | error: service down |"), std::string::npos) << md;
  EXPECT_EQ(md.find("1.00 ms"), std::string::npos) << "an iteration row leaked: " << md;
}

// Random interleaving writes medians in run order; the table must follow the declaration (family,
// then its arguments), with rows the file gives no position for last, in file order.
TEST(SummaryMarkdown, RowsInDeclaredOrder) {
  BenchmarkFile file;
  file.path = "bench_x.json";
  auto at = [](BenchmarkRow r, long long family, long long instance) {
    r.family_index = family;
    r.per_family_instance_index = instance;
    return r;
  };
  file.rows = {row("BM_Unknown", "", 1.0, 1.0), at(row("BM_B/2", "", 1.0, 1.0), 1, 1),
               at(row("BM_A/64", "", 1.0, 1.0), 0, 1), at(row("BM_B/1", "", 1.0, 1.0), 1, 0),
               at(row("BM_A/8", "", 1.0, 1.0), 0, 0)};
  const auto md = render_summary_markdown({file});
  const std::vector<std::string> expected = {"BM_A/8", "BM_A/64", "BM_B/1", "BM_B/2", "BM_Unknown"};
  std::size_t last = 0;
  for (const auto& name : expected) {
    const auto pos = md.find("| `" + name + "` |");
    ASSERT_NE(pos, std::string::npos) << name << " missing: " << md;
    EXPECT_GT(pos, last) << name << " out of declared order: " << md;
    last = pos;
  }
}

}  // namespace
}  // namespace neuro::bench_json
