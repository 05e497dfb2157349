#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/base/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/result_document.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

using base::LatencyHistogram;
using nlohmann::json;

std::vector<std::int64_t> lognormal_samples(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(2e6), 0.8);  // ~2 ms median
  std::vector<std::int64_t> out(n);
  for (auto& v : out) v = static_cast<std::int64_t>(d(rng));
  return out;
}

TEST(SparseHistogram, MergeOfPartsEqualsTheWhole) {
  const auto samples = lognormal_samples(20000, 7);
  LatencyHistogram whole, a, b;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    whole.record(samples[i]);
    (i % 3 == 0 ? a : b).record(samples[i]);
  }
  auto merged = SparseHistogram::from(a);
  merged.merge(SparseHistogram::from(b));
  const auto reference = SparseHistogram::from(whole);
  EXPECT_EQ(merged.buckets, reference.buckets);
  EXPECT_EQ(merged.count, reference.count);
  EXPECT_EQ(merged.min_ns, reference.min_ns);
  EXPECT_EQ(merged.max_ns, reference.max_ns);
  EXPECT_NEAR(merged.sum_ns, reference.sum_ns, 1e-9 * reference.sum_ns);
  // The parts share most buckets; the merge holds no room for the duplicates (a long run's
  // series is a million buckets of merged histograms).
  const auto parts =
      SparseHistogram::from(a).buckets.size() + SparseHistogram::from(b).buckets.size();
  ASSERT_LT(merged.buckets.size(), parts);
  EXPECT_EQ(merged.buckets.capacity(), merged.buckets.size());
  // The round trip through the document keeps every percentile.
  const auto back = read_histogram(json::parse(merged.to_json().dump()), "t");
  const auto h = back.to_histogram();
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(h.percentile_ns(p), whole.percentile_ns(p)) << p;
  }
  EXPECT_EQ(h.min_ns(), whole.min_ns());
  EXPECT_EQ(h.max_ns(), whole.max_ns());
}

TEST(SparseHistogram, PercentilesAreNearestRank) {
  auto samples = lognormal_samples(50000, 11);
  LatencyHistogram h;
  for (auto v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9}) {
    // Nearest rank; the slack keeps 99.9 % of 50000 at rank 49950 despite rounding.
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(samples.size()) - 1e-9)) -
        1;
    const double exact = static_cast<double>(samples[rank]);
    // Three significant digits: within 0.1 % of the exact order statistic.
    EXPECT_NEAR(static_cast<double>(h.percentile_ns(p)), exact, exact * 1e-3) << p;
  }
}

TEST(SparseHistogram, RejectsBadDocuments) {
  LatencyHistogram h;
  h.record(1000);
  auto j = SparseHistogram::from(h).to_json();
  j["count"] = 2;
  EXPECT_THROW(read_histogram(j, "x"), base::InvalidArgument);
  auto k = SparseHistogram::from(h).to_json();
  k["buckets"] = json::array({json::array({1u << 30, 1})});
  EXPECT_THROW(read_histogram(k, "x"), base::InvalidArgument);
  LatencyHistogram coarse(LatencyHistogram::kOneHourNs, 2);
  coarse.record(1000);
  auto s = SparseHistogram::from(h);
  EXPECT_THROW(s.merge(SparseHistogram::from(coarse)), base::InvalidArgument);
  SparseHistogram empty;  // an empty histogram merges into anything and takes its layout
  empty.merge(SparseHistogram::from(coarse));
  EXPECT_EQ(empty.significant_digits, 2);
  EXPECT_EQ(empty.count, 1);
}

// A shard's document with the given samples (all on one step, one per second series point).
json shard_doc(int index, int count, const std::vector<std::int64_t>& samples,
               std::int64_t errors_5xx) {
  StepStats s;
  for (auto v : samples) s.latency.record(v);
  s.requests = static_cast<std::int64_t>(samples.size()) + errors_5xx;
  s.errors[static_cast<int>(ErrorKind::kStatus5xx)] = errors_5xx;
  json doc;
  doc["schema"] = kResultSchema;
  doc["scenario"] = {{"name", "t"}, {"file", "t.yaml"}, {"executor", "constant-rate"}};
  doc["target"] = "http://127.0.0.1:1";
  doc["started_at"] = "2026-11-23T12:00:0" + std::to_string(index) + "Z";
  doc["duration_s"] = 10.0;
  doc["shard"] = {{"index", index}, {"count", count}};
  doc["steps"] = json::array({step_json("get", s, 10.0, true)});
  doc["totals"] = {{"requests", s.requests},
                   {"errors", errors_5xx},
                   {"rps", static_cast<double>(s.requests) / 10.0}};
  doc["series"] = json::array({{{"t_s", 0},
                                {"requests", s.requests},
                                {"errors", errors_5xx},
                                {"users", nullptr},
                                {"rate", 50.0},
                                {"latency", SparseHistogram::from(s.latency).to_json()}}});
  doc["resources"] = {{"host", json::array()}, {"target", json::array()}};
  doc["client"] = {
      {"threads", 1}, {"cpu_s", 1.0}, {"cpu_us_per_request", 1.0}, {"warnings", json::array()}};
  doc["open_model"] = {{"late_sends", 1}, {"dropped_sends", 0}};
  doc["stress"] = nullptr;
  doc["soak"] = nullptr;
  doc["thresholds"] =
      json::array({{{"expression", "p99 < 5ms"}}, {{"expression", "error_rate < 1%"}}});
  doc["passed"] = true;
  return doc;
}

TEST(MergeDocuments, CountsAndBucketsAddExactly) {
  const auto samples = lognormal_samples(9000, 3);
  const std::vector<std::int64_t> first(samples.begin(), samples.begin() + 4000);
  const std::vector<std::int64_t> second(samples.begin() + 4000, samples.end());
  const json merged =
      merge_documents({shard_doc(0, 2, first, 5), shard_doc(1, 2, second, 7)}, {"a", "b"});
  EXPECT_EQ(merged["totals"]["requests"], 9000 + 12);
  EXPECT_EQ(merged["totals"]["errors"], 12);
  EXPECT_EQ(merged["steps"][0]["errors"]["status_5xx"], 12);
  EXPECT_EQ(merged["open_model"]["late_sends"], 2);
  EXPECT_EQ(merged["series"].size(), 1u);
  EXPECT_EQ(merged["series"][0]["rate"], 100.0);
  EXPECT_EQ(merged["shard"]["count"], 1);
  EXPECT_EQ(merged["started_at"], "2026-11-23T12:00:00Z");
  // The reference: one histogram of every sample.
  LatencyHistogram whole;
  for (auto v : samples) whole.record(v);
  const auto h = read_histogram(merged["steps"][0]["latency"], "m");
  EXPECT_EQ(h.buckets, SparseHistogram::from(whole).buckets);
  EXPECT_DOUBLE_EQ(merged["steps"][0]["percentiles_ms"]["p99"].get<double>(),
                   static_cast<double>(whole.percentile_ns(99)) / 1e6);
  const auto series_h = read_histogram(merged["series"][0]["latency"], "m");
  EXPECT_EQ(series_h.buckets, SparseHistogram::from(whole).buckets);
  // Thresholds are judged again on the merged data.
  const bool p99_ok = static_cast<double>(whole.percentile_ns(99)) / 1e6 < 5.0;
  EXPECT_EQ(merged["thresholds"][0]["passed"], p99_ok);
  EXPECT_EQ(merged["thresholds"][1]["passed"], true);  // 12 / 9012 < 1 %
  EXPECT_EQ(merged["passed"], p99_ok);
}

// The series' WebSocket latencies merge like its request latencies: the merged point holds every
// shard's samples exactly, and a shard whose point measured none adds nothing.
TEST(MergeDocuments, SeriesWsLatenciesAddExactly) {
  const auto samples = lognormal_samples(3000, 5);
  const std::vector<std::int64_t> first(samples.begin(), samples.begin() + 1200);
  const std::vector<std::int64_t> second(samples.begin() + 1200, samples.end());
  auto series_of = [](const std::vector<std::int64_t>& v) {
    LatencyHistogram h(LatencyHistogram::kOneHourNs, kSeriesSignificantDigits);
    for (auto x : v) h.record(x);
    return SparseHistogram::from(h).to_json();
  };
  json a = shard_doc(0, 3, first, 0), b = shard_doc(1, 3, second, 0), c = shard_doc(2, 3, {}, 0);
  a["series"][0]["ws_latency"] = series_of(first);
  b["series"][0]["ws_latency"] = series_of(second);
  const json merged = merge_documents({a, b, c}, {"a", "b", "c"});
  const auto h = read_histogram(merged["series"][0]["ws_latency"], "m");
  EXPECT_EQ(h.buckets, read_histogram(series_of(samples), "whole").buckets);
  EXPECT_EQ(h.count, 3000);
  EXPECT_EQ(h.max_ns, *std::max_element(samples.begin(), samples.end()));
  // Without any in any shard, the merged point has none either.
  const json plain =
      merge_documents({shard_doc(0, 2, first, 0), shard_doc(1, 2, second, 0)}, {"a", "b"});
  EXPECT_FALSE(plain["series"][0].contains("ws_latency"));
}

// Shards run at once: the connections they held add up; one document from before the field
// makes the merged figure unknown rather than short.
TEST(MergeDocuments, PeakConnectionsAddUp) {
  const std::vector<std::int64_t> s = {1000, 2000};
  json a = shard_doc(0, 2, s, 0), b = shard_doc(1, 2, s, 0);
  a["client"]["peak_connections"] = 7;
  b["client"]["peak_connections"] = 5;
  EXPECT_EQ(merge_documents({a, b}, {"a", "b"})["client"]["peak_connections"], 12);
  b["client"].erase("peak_connections");
  EXPECT_FALSE(merge_documents({a, b}, {"a", "b"})["client"].contains("peak_connections"));
}

// Each step's read lag merges exactly, and is judged again on the merge; a shard without one
// (libcurl's) adds nothing, and with none in any shard the merged step has none.
TEST(MergeDocuments, ReadLagsAddExactly) {
  const auto lags = lognormal_samples(2000, 13);
  const std::vector<std::int64_t> first(lags.begin(), lags.begin() + 700);
  const std::vector<std::int64_t> second(lags.begin() + 700, lags.end());
  auto hist_of = [](const std::vector<std::int64_t>& v) {
    LatencyHistogram h;
    for (auto x : v) h.record(x);
    return SparseHistogram::from(h).to_json();
  };
  const std::vector<std::int64_t> s = {1000, 2000};
  json a = shard_doc(0, 3, s, 0), b = shard_doc(1, 3, s, 0), c = shard_doc(2, 3, s, 0);
  a["steps"][0]["read_lag"] = hist_of(first);
  b["steps"][0]["read_lag"] = hist_of(second);
  for (json* d : {&a, &b, &c}) (*d)["thresholds"].push_back({{"expression", "read_lag_p99 < 1s"}});
  const json merged = merge_documents({a, b, c}, {"a", "b", "c"});
  const auto h = read_histogram(merged["steps"][0]["read_lag"], "m");
  EXPECT_EQ(h.buckets, read_histogram(hist_of(lags), "whole").buckets);
  EXPECT_EQ(h.count, 2000);
  LatencyHistogram whole;
  for (auto x : lags) whole.record(x);
  EXPECT_DOUBLE_EQ(merged["steps"][0]["read_lag_percentiles_ms"]["p99"].get<double>(),
                   static_cast<double>(whole.percentile_ns(99)) / 1e6);
  EXPECT_DOUBLE_EQ(merged["thresholds"][2]["observed"].get<double>(),
                   static_cast<double>(whole.percentile_ns(99)) / 1e6);
  const json plain = merge_documents({shard_doc(0, 2, s, 0), shard_doc(1, 2, s, 0)}, {"a", "b"});
  EXPECT_FALSE(plain["steps"][0].contains("read_lag"));
  EXPECT_FALSE(plain["steps"][0].contains("read_lag_percentiles_ms"));
}

TEST(MergeDocuments, RefusesMismatchedShards) {
  const std::vector<std::int64_t> s = {1000, 2000};
  EXPECT_THROW(merge_documents({shard_doc(0, 2, s, 0), shard_doc(0, 2, s, 0)}, {"a", "b"}),
               base::InvalidArgument);  // the same shard twice
  EXPECT_THROW(merge_documents({shard_doc(0, 3, s, 0), shard_doc(1, 3, s, 0)}, {"a", "b"}),
               base::InvalidArgument);  // one missing
  auto other = shard_doc(1, 2, s, 0);
  other["scenario"]["name"] = "u";
  try {
    merge_documents({shard_doc(0, 2, s, 0), other}, {"a.json", "b.json"});
    FAIL();
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("b.json: $.scenario.name: 'u' differs"), std::string::npos)
        << e.what();
  }
  auto broken = shard_doc(1, 2, s, 0);
  broken["steps"][0]["latency"]["count"] = 3;
  EXPECT_THROW(merge_documents({shard_doc(0, 2, s, 0), broken}, {"a", "b"}), base::InvalidArgument);
}

// Members of another type, or missing below what validate_document checks (a hand-edited file;
// the fuzzer's crash-merge-missing-scenario read a missing $.scenario through const []), end as one
// error naming the files; a document without the optional scenario or open_model still merges.
TEST(MergeDocuments, OddShapesAreOneClearError) {
  const std::vector<std::int64_t> s = {1000, 2000};
  auto a = shard_doc(0, 2, s, 0), b = shard_doc(1, 2, s, 0);
  a.erase("scenario");
  b.erase("scenario");
  a.erase("open_model");
  b.erase("open_model");
  EXPECT_EQ(merge_documents({a, b}, {"a.json", "b.json"})["totals"]["requests"], 4);
  for (const auto& [pointer, value] :
       std::vector<std::pair<std::string, json>>{{"/steps/0/errors/connect", "many"},
                                                 {"/shard", json::array()},
                                                 {"/duration_s", json::object()},
                                                 {"/steps/0/checks", {{"passed", "x"}}}}) {
    auto odd = shard_doc(1, 2, s, 0);
    odd[json::json_pointer(pointer)] = value;
    try {
      merge_documents({shard_doc(0, 2, s, 0), odd}, {"a.json", "b.json"});
      ADD_FAILURE() << pointer << ": merged";
    } catch (const base::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(".json"), std::string::npos)
          << pointer << ": " << e.what();
    }
  }
}

// A series point of `dt` seconds at `t` with the given latencies (1 request each).
json series_point(std::int64_t t, std::int64_t dt, const std::vector<std::int64_t>& ns,
                  json users) {
  LatencyHistogram h(LatencyHistogram::kOneHourNs, kSeriesSignificantDigits);
  for (auto v : ns) h.record(v);
  return {{"t_s", t},
          {"dt_s", dt},
          {"requests", static_cast<std::int64_t>(ns.size())},
          {"errors", 1},
          {"users", users},
          {"rate", nullptr},
          {"latency", SparseHistogram::from(h).to_json()}};
}

// Each shard coarsens its own series when it outgrows the budget: shards of one run may come
// with 1- and 2-second points, and the merge brings them all to 2 seconds.
TEST(MergeDocuments, SeriesMeetAtTheCoarsest) {
  json a = shard_doc(0, 2, {1000}, 0), b = shard_doc(1, 2, {1000}, 0);
  a["series"] = json::array({series_point(0, 1, {1000, 2000}, 10), series_point(1, 1, {3000}, 20),
                             series_point(3, 1, {7000}, 40)});
  a["series"][1].erase("dt_s");  // as documents before dt_s: one second
  b["series"] = json::array({series_point(0, 2, {4000, 5000}, 6), series_point(2, 2, {6000}, 8)});
  const json merged = merge_documents({a, b}, {"a", "b"});
  const auto& series = merged["series"];
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0]["t_s"], 0);
  EXPECT_EQ(series[0]["dt_s"], 2);
  EXPECT_EQ(series[0]["requests"], 5);  // a's seconds 0 and 1, b's point 0
  EXPECT_EQ(series[0]["errors"], 3);
  // Users: a ran 15 on average over [0, 2) (10 then 20), b ran 6: 21 in all.
  EXPECT_EQ(series[0]["users"], 21);
  // Second 3 of a alone: its 40 users over the one second a saw, plus b's 8.
  EXPECT_EQ(series[1]["users"], 48);
  LatencyHistogram whole(LatencyHistogram::kOneHourNs, kSeriesSignificantDigits);
  for (std::int64_t v : {1000, 2000, 3000, 4000, 5000}) whole.record(v);
  EXPECT_EQ(read_histogram(series[0]["latency"], "m").buckets,
            SparseHistogram::from(whole).buckets);
}

TEST(MergeDocuments, RefusesPointsOfBadWidth) {
  json a = shard_doc(0, 2, {1000}, 0), b = shard_doc(1, 2, {1000}, 0);
  b["series"] = json::array({series_point(0, 3, {1000}, 1)});
  EXPECT_THROW(
      {
        try {
          merge_documents({a, b}, {"a.json", "b.json"});
        } catch (const base::InvalidArgument& e) {
          EXPECT_STREQ(e.what(), "b.json: $.series[0].dt_s: expected a power of two >= 1, got 3");
          throw;
        }
      },
      base::InvalidArgument);
  b["series"] = json::array({series_point(2, 4, {1000}, 1)});
  EXPECT_THROW(merge_documents({a, b}, {"a.json", "b.json"}), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::load
